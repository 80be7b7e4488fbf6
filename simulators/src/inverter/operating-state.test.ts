import { describe, expect, it } from "vitest";
import { OPERATING_STATE as ST } from "../sunspec/models.js";
import { nextOperatingState, STARTING_MS, type StateInput, type StateMemory } from "./operating-state.js";

const day: StateInput = {
  simMs: 0,
  sunElevationDeg: 40,
  dcAvailableW: 5000,
  ratedDcW: 10_000,
  clipped: false,
  trip: false,
};
const off: StateMemory = { st: ST.OFF, startingSince: null };

describe("nextOperatingState", () => {
  it("is OFF deep at night and SLEEPING in twilight or low light", () => {
    expect(nextOperatingState(off, { ...day, sunElevationDeg: -20, dcAvailableW: 0 }).st).toBe(ST.OFF);
    expect(nextOperatingState(off, { ...day, sunElevationDeg: -3, dcAvailableW: 0 }).st).toBe(ST.SLEEPING);
    expect(nextOperatingState(off, { ...day, sunElevationDeg: 2, dcAvailableW: 50 }).st).toBe(ST.SLEEPING);
  });

  it("goes STARTING when light comes, then MPPT after the grid checks", () => {
    const starting = nextOperatingState({ st: ST.SLEEPING, startingSince: null }, day);
    expect(starting).toEqual({ st: ST.STARTING, startingSince: 0 });
    expect(nextOperatingState(starting, { ...day, simMs: STARTING_MS - 1 }).st).toBe(ST.STARTING);
    expect(nextOperatingState(starting, { ...day, simMs: STARTING_MS }).st).toBe(ST.MPPT);
  });

  it("is THROTTLED while clipping and FAULT while tripped", () => {
    const mppt: StateMemory = { st: ST.MPPT, startingSince: null };
    expect(nextOperatingState(mppt, { ...day, clipped: true }).st).toBe(ST.THROTTLED);
    const fault = nextOperatingState(mppt, { ...day, trip: true });
    expect(fault.st).toBe(ST.FAULT);
    expect(nextOperatingState(fault, day).st).toBe(ST.STARTING);
  });

  it("has hysteresis: wakes above 1 % of rating, sleeps below 0.5 %", () => {
    const mppt: StateMemory = { st: ST.MPPT, startingSince: null };
    const sleeping: StateMemory = { st: ST.SLEEPING, startingSince: null };
    expect(nextOperatingState(mppt, { ...day, dcAvailableW: 70 }).st).toBe(ST.MPPT);
    expect(nextOperatingState(mppt, { ...day, dcAvailableW: 40 }).st).toBe(ST.SLEEPING);
    expect(nextOperatingState(sleeping, { ...day, dcAvailableW: 70 }).st).toBe(ST.SLEEPING);
    expect(nextOperatingState(sleeping, { ...day, dcAvailableW: 110 }).st).toBe(ST.STARTING);
  });
});

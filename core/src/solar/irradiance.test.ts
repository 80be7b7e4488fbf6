import { describe, expect, it } from "vitest";
import { erbs, haurwitzGhi } from "./clearsky.js";
import { cosAngleOfIncidence, poaIrradiance } from "./poa.js";
import { extraterrestrialWm2, sunPosition } from "./position.js";
import { moduleTemperatureC } from "./temperature.js";

const south30 = { tiltDeg: 30, azimuthDeg: 180 };

describe("clear-sky split, plane of array and module temperature", () => {
  it("splits GHI into beam and diffuse that add back up (GHI = DNI·cosZ + DHI)", () => {
    const zenith = 40;
    const ghi = haurwitzGhi(zenith);
    const { dniWm2, dhiWm2 } = erbs(ghi, zenith, extraterrestrialWm2(1));
    expect(dniWm2 * Math.cos((zenith * Math.PI) / 180) + dhiWm2).toBeCloseTo(ghi, 6);
    // A clear sky is mostly beam.
    expect(dhiWm2 / ghi).toBeLessThan(0.3);
    expect(erbs(0, zenith, 1361)).toEqual({ dniWm2: 0, dhiWm2: 0 });
  });

  it("faces the beam head-on when the sun is normal to the plane, and not at all from behind", () => {
    expect(cosAngleOfIncidence(south30, 30, 180)).toBeCloseTo(1, 9);
    expect(cosAngleOfIncidence(south30, 70, 0)).toBeLessThan(0);
    expect(cosAngleOfIncidence({ tiltDeg: 0, azimuthDeg: 180 }, 60, 90)).toBeCloseTo(0.5, 9);
  });

  it("gives a 30° south plane more light than the ground at a December noon at Ben Guerir", () => {
    const sun = sunPosition(Date.UTC(2026, 11, 21, 12, 30), 32.23, -7.95);
    const ghi = haurwitzGhi(sun.zenithDeg);
    const { dniWm2, dhiWm2 } = erbs(ghi, sun.zenithDeg, extraterrestrialWm2(sun.distanceAu));
    const cosAoi = cosAngleOfIncidence(south30, sun.zenithDeg, sun.azimuthDeg);
    const poa = poaIrradiance({ ghiWm2: ghi, dniWm2, dhiWm2, cosAoi, tiltDeg: 30, albedo: 0.2 });
    expect(poa / ghi).toBeGreaterThan(1.3);
    expect(poaIrradiance({ ghiWm2: 0, dniWm2: 0, dhiWm2: 0, cosAoi, tiltDeg: 30, albedo: 0.2 })).toBe(0);
  });

  it("heats the module by (NOCT − 20) / 800 per W/m² above ambient", () => {
    expect(moduleTemperatureC(20, 800, 45)).toBeCloseTo(45, 9);
    expect(moduleTemperatureC(30, 0)).toBe(30);
  });
});

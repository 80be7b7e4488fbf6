import { describe, expect, it } from "vitest";
import { FAULT_NAMES, FAULT_TEXT_HELP, parseFaultText } from "./faults.js";

describe("parseFaultText", () => {
  it("reads each fault's text form", () => {
    expect(parseFaultText("trip")).toEqual({ fault: "trip" });
    expect(parseFaultText("string-failure=2")).toEqual({ fault: "string-failure", mppt: 2 });
    expect(parseFaultText("soiling=12.5")).toEqual({ fault: "soiling", percent: 12.5 });
    expect(parseFaultText("pump-failure")).toEqual({ fault: "pump-failure" });
    expect(parseFaultText("stuck-sensor=tank_top_temperature_c")).toEqual({
      fault: "stuck-sensor",
      field: "tank_top_temperature_c",
    });
    expect(parseFaultText("comm-loss")).toEqual({ fault: "comm-loss" });
  });

  it("names what is wrong", () => {
    expect(() => parseFaultText("fire")).toThrow(/^unknown fault "fire"; known: trip, string-failure, /);
    expect(() => parseFaultText("soiling")).toThrow(/soiling.*write soiling=PERCENT/);
    expect(() => parseFaultText("soiling=lots")).toThrow(/^fault "soiling=lots": percent: /);
    expect(() => parseFaultText("string-failure=3")).toThrow(/mppt: /);
    expect(() => parseFaultText("trip=1")).toThrow(/^fault "trip" takes no value/);
  });

  it("documents every fault in the help text", () => {
    for (const name of FAULT_NAMES) expect(FAULT_TEXT_HELP).toMatch(new RegExp(`^${name}\\b`, "m"));
  });
});

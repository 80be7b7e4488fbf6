import { describe, expect, it } from "vitest";
import { z } from "zod";
import { problemsOf } from "./errors.js";
import { nearestKey, strictObject } from "./strict-object.js";

const schema = strictObject({ host: z.string(), interval: z.string(), tilt_deg: z.number() });
const problems = (value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : problemsOf(result.error).map((p) => `${p.path}: ${p.message}`);
};

describe("strictObject", () => {
  it("names the key a typo was meant to be, and the keys there are", () => {
    expect(problems({ host: "h", interval: "1s", tilt_deg: 1, intervall: "1s" })).toEqual([
      "(root): unknown key: did you mean `interval`? (known keys are: host, interval, tilt_deg)",
    ]);
  });

  it("lists the keys when none is close", () => {
    expect(problems({ host: "h", interval: "1s", tilt_deg: 1, colour: "blue" })).toEqual([
      "(root): unknown key; known keys are: host, interval, tilt_deg",
    ]);
  });

  it("names each of several unknown keys in the one message", () => {
    expect(problems({ host: "h", interval: "1s", tilt_deg: 1, tilt: 1, colour: "blue" })).toEqual([
      '(root): unknown keys "tilt" (did you mean `tilt_deg`?), "colour"; known keys are: host, interval, tilt_deg',
    ]);
  });
});

describe("nearestKey", () => {
  it("finds a key in another case or separator, a few edits away, or with its unit left off", () => {
    expect(nearestKey("tiltDeg", ["host", "tilt_deg"])).toBe("tilt_deg");
    expect(nearestKey("adress", ["id", "address"])).toBe("address");
    expect(nearestKey("tilt", ["kwp", "tilt_deg"])).toBe("tilt_deg");
    // Too far to be a typo: no guess ("id" is not "unit").
    expect(nearestKey("id", ["unit", "host"])).toBeUndefined();
    expect(nearestKey("x", [])).toBeUndefined();
  });
});

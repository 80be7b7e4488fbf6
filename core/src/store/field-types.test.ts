/** The field-type check: which points it blames, and when it names them by index for a sender. */
import { describe, expect, it } from "vitest";
import type { Point } from "../point.js";
import { checkFieldTypes, type KnownFieldTypes } from "./field-types.js";
import { StoreRejectedError } from "./types.js";

const point = (n: number, state: string | number): Point => ({
  measurement: "pv_inverter",
  tags: { device: `inv-${n}` },
  fields: { power_w: n, state },
  time: 1_800_000_000_000 + n,
});
const serverHasFloatState = (): KnownFieldTypes =>
  new Map([["pv_inverter", new Map([["state", "float" as const]])]]);

function refusal(run: () => unknown): StoreRejectedError {
  try {
    run();
  } catch (err) {
    if (err instanceof StoreRejectedError) return err;
    throw err;
  }
  throw new Error("expected a StoreRejectedError");
}

describe("checkFieldTypes", () => {
  it("names each point that conflicts with a known type, by index, in the message and in problems", () => {
    const batch = [point(0, 1), point(1, "MPPT"), point(2, 2), point(3, "OFF")];
    const error = refusal(() => checkFieldTypes(batch, serverHasFloatState()));
    const message = 'field type conflict: "pv_inverter.state" holds float values, this point sends a string';
    expect(error.problems).toEqual([
      { index: 1, path: "points.1.fields.state", message },
      { index: 3, path: "points.3.fields.state", message },
    ]);
    expect(error.message).toBe(
      `4 point(s) sent; nothing was written:\n  - points.1.fields.state: ${message}\n  - points.3.fields.state: ${message}`,
    );
  });

  it("names no point when a conflict is only with an earlier point of the batch: that one may be the bad one", () => {
    const batch = [point(0, "MPPT"), point(1, 1), point(2, 2)];
    const error = refusal(() => checkFieldTypes(batch, new Map()));
    expect(error.message).toContain("points.1.fields.state: field type conflict");
    expect(error.problems).toBeUndefined();
  });

  it("returns the types a good batch adds", () => {
    const added = checkFieldTypes([point(0, 1)], new Map());
    expect(added.get("pv_inverter")).toEqual(
      new Map([
        ["power_w", "float"],
        ["state", "float"],
      ]),
    );
  });
});

/** The pure lifecycle: evaluations replayed with explicit instants. */
import { describe, expect, it } from "vitest";
import { fingerprint } from "./fingerprint.js";
import { type EvaluationInput, evaluate } from "./lifecycle.js";
import { condition, fixedTiming, MIN, sequentialIds, T0 } from "./testing/helpers.js";
import type { Alert, Condition, RuleTiming } from "./types.js";

/** Runs evaluations one after the other, carrying the open alerts, as the store would. */
function replay(timing: (rule: string) => RuleTiming) {
  let open: Alert[] = [];
  const ids = sequentialIds();
  return (now: number, conditions: Condition[]) => {
    const input: EvaluationInput = { now, conditions, open, timing, newId: () => ids("alt") };
    const result = evaluate(input);
    const byId = new Map(open.map((a) => [a.id, a]));
    for (const a of result.dropped) byId.delete(a.id);
    for (const a of result.changed) byId.set(a.id, a);
    open = [...byId.values()].filter((a) => a.state !== "resolved");
    return { ...result, open };
  };
}

describe("pending → firing", () => {
  it("stays pending until the condition has held for `for`, then fires once", () => {
    const step = replay(fixedTiming({ forMs: 10 * MIN }));
    expect(step(T0, [condition()]).open.map((a) => a.state)).toEqual(["pending"]);
    expect(step(T0 + 5 * MIN, [condition()]).open.map((a) => a.state)).toEqual(["pending"]);
    const fired = step(T0 + 10 * MIN, [condition()]);
    expect(fired.open).toHaveLength(1);
    expect(fired.open[0]).toMatchObject({
      id: "alt_1",
      state: "firing",
      activeSince: T0,
      firingSince: T0 + 10 * MIN,
    });
    // Still the same alert afterwards: one alert per fingerprint.
    expect(step(T0 + 20 * MIN, [condition()]).open.map((a) => [a.id, a.state])).toEqual([
      ["alt_1", "firing"],
    ]);
  });

  it("fires at the first evaluation when `for` is 0", () => {
    const step = replay(fixedTiming({ forMs: 0 }));
    expect(step(T0, [condition()]).open[0]).toMatchObject({ state: "firing", firingSince: T0 });
  });

  it("never fires a condition that clears during pending (flapping), and starts over when it returns", () => {
    const step = replay(fixedTiming({ forMs: 10 * MIN }));
    step(T0, [condition()]);
    const cleared = step(T0 + 5 * MIN, [condition({ active: false })]);
    expect(cleared.dropped.map((a) => a.id)).toEqual(["alt_1"]);
    expect(cleared.open).toEqual([]);
    // Back at +6 min: a new pending episode, which needs its own full `for`.
    step(T0 + 6 * MIN, [condition()]);
    expect(step(T0 + 12 * MIN, [condition()]).open[0]).toMatchObject({ id: "alt_2", state: "pending" });
    expect(step(T0 + 16 * MIN, [condition()]).open[0]).toMatchObject({ id: "alt_2", state: "firing" });
  });

  it("counts `for` from the condition's `since` when the rule knows it", () => {
    const step = replay(fixedTiming({ forMs: 10 * MIN }));
    const first = step(T0, [condition({ since: T0 - 40 * MIN })]);
    expect(first.open[0]).toMatchObject({ state: "firing", activeSince: T0 - 40 * MIN, firingSince: T0 });
  });

  it("keeps a pending alert pending while its subject cannot be judged, and fires it when seen again", () => {
    const step = replay(fixedTiming({ forMs: 10 * MIN }));
    step(T0, [condition()]);
    const unjudged = step(T0 + 15 * MIN, []);
    expect(unjudged.changed).toEqual([]);
    expect(unjudged.dropped).toEqual([]);
    expect(step(T0 + 16 * MIN, [condition()]).open[0]).toMatchObject({ id: "alt_1", state: "firing" });
  });
});

describe("resolution", () => {
  it("resolves a firing alert when its condition clears, and opens a new alert for the next episode", () => {
    const step = replay(fixedTiming({ forMs: 0 }));
    step(T0, [condition()]);
    const resolved = step(T0 + 30 * MIN, [condition({ active: false })]);
    expect(resolved.resolved).toHaveLength(1);
    expect(resolved.resolved[0]).toMatchObject({ id: "alt_1", state: "resolved", resolvedAt: T0 + 30 * MIN });
    expect(resolved.open).toEqual([]);
    expect(step(T0 + 40 * MIN, [condition()]).open[0]).toMatchObject({ id: "alt_2", state: "firing" });
  });

  it("keeps firing through a short clear spell with keep_firing_for, and resolves after it", () => {
    const step = replay(fixedTiming({ forMs: 0, keepFiringForMs: 15 * MIN }));
    step(T0, [condition()]);
    expect(step(T0 + 10 * MIN, [condition({ active: false })]).open[0]).toMatchObject({
      state: "firing",
      clearSince: T0 + 10 * MIN,
    });
    // Back within 15 min: the same alert, still firing, clear spell forgotten.
    expect(step(T0 + 20 * MIN, [condition()]).open[0]).toMatchObject({ id: "alt_1", clearSince: null });
    step(T0 + 30 * MIN, [condition({ active: false })]);
    expect(step(T0 + 40 * MIN, [condition({ active: false })]).resolved).toEqual([]);
    const done = step(T0 + 45 * MIN, [condition({ active: false })]);
    expect(done.resolved[0]).toMatchObject({ id: "alt_1", resolvedAt: T0 + 45 * MIN });
  });

  it("never resolves an alert for lack of data: only an explicit healthy answer clears it", () => {
    const step = replay(fixedTiming({ forMs: 0 }));
    step(T0, [condition()]);
    const skipped = step(T0 + 2 * 60 * MIN, [condition({ device: "inv-2", active: false })]);
    expect(skipped.changed).toEqual([]);
    expect(skipped.open.map((a) => [a.device, a.state])).toEqual([["inv-1", "firing"]]);
  });
});

describe("fingerprints", () => {
  it("keeps devices and subjects apart, and merges duplicates keeping the worst severity", () => {
    const step = replay(fixedTiming({ forMs: 0 }));
    const result = step(T0, [
      condition({ device: "inv-1", subject: "mppt-1", severity: "minor" }),
      condition({ device: "inv-1", subject: "mppt-1", severity: "critical" }),
      condition({ device: "inv-1", subject: "mppt-2" }),
      condition({ device: "inv-2" }),
    ]);
    expect(result.open).toHaveLength(3);
    const mppt1 = result.open.find((a) => a.subject === "mppt-1");
    expect(mppt1?.severity).toBe("critical");
    expect(mppt1?.fingerprint).toBe(
      fingerprint({
        rule: "inverter_fault",
        institution: "ehpad-ben-guerir",
        device: "inv-1",
        subject: "mppt-1",
      }),
    );
  });

  it("does not confuse ids that join to the same text", () => {
    const a = fingerprint({ rule: "r", institution: "a-b", device: "c", subject: "" });
    const b = fingerprint({ rule: "r", institution: "a", device: "b-c", subject: "" });
    expect(a).not.toBe(b);
  });

  it("updates severity and evidence of a firing alert from the latest evaluation", () => {
    const step = replay(fixedTiming({ forMs: 0 }));
    step(T0, [condition({ severity: "minor" })]);
    const later = step(T0 + MIN, [
      condition({ severity: "major", evidence: { ratio_pct: { value: 55, unit: "%" } } }),
    ]);
    expect(later.open[0]).toMatchObject({
      severity: "major",
      evidence: { ratio_pct: { value: 55, unit: "%" } },
    });
  });
});

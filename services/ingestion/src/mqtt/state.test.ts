/** The MQTT state file on a real SQLite file: bounds, totals, replay requests, and that it survives a reopen. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MqttIngestState, type QuarantineInput } from "./state.js";

const file = () => join(mkdtempSync(join(tmpdir(), "jisr-mqtt-state-")), "nested", "state.sqlite");
const batch = (n: number, gateway = "gw-1"): QuarantineInput => ({
  receivedAt: 1000 + n,
  topic: `jisr/ehpad-ben-guerir/${gateway}/points`,
  institution: "ehpad-ben-guerir",
  gateway,
  code: "JISR_ERR_UNAUTHORIZED",
  reason: "unknown token",
  tokenSha256: "a".repeat(64),
  payload: Buffer.from(`{"points":[${n}]}`),
  points: 1,
});

describe("MqttIngestState", () => {
  it("keeps at most maxQuarantineBatches, dropping the oldest and counting them per gateway", () => {
    const path = file();
    const state = new MqttIngestState({ path, maxQuarantineBatches: 3 });
    const dropped = [1, 2, 3, 4, 5].flatMap((n) => state.quarantine(batch(n)).map((d) => d.received_at));
    expect(dropped).toEqual([1001, 1002]);
    expect(state.list().map((e) => e.received_at)).toEqual([1003, 1004, 1005]);
    expect(state.totals({ institution: "ehpad-ben-guerir", gateway: "gw-1" })).toMatchObject({
      quarantined_batches: 5,
      dropped_batches: 2,
    });
    state.close();
    // Durable: a new process finds the same.
    const again = new MqttIngestState({ path });
    expect(again.summary()).toEqual({ batches: 3, points: 3, bytes: 3 * '{"points":[3]}'.length });
    expect(again.get(again.list()[0]?.id ?? 0)?.payload.toString()).toBe('{"points":[3]}');
    again.close();
  });

  it("keeps at most maxQuarantineBytes, and the newest keepRejected rejections", () => {
    const state = new MqttIngestState({ path: file(), maxQuarantineBytes: 40, keepRejected: 2 });
    for (const n of [1, 2, 3]) state.quarantine(batch(n));
    expect(state.summary().batches).toBe(2);
    const g = { institution: "ehpad-ben-guerir", gateway: "gw-1", topic: "t", at: 5 };
    state.reject(g, [
      { code: "C1", path: "points.0", message: "m1", item: "{}" },
      { code: "C2", path: "points.1", message: "m2", item: "x".repeat(5000) },
    ]);
    state.reject(g, [{ code: "C3", path: "points.0", message: "m3", item: "{}" }]);
    expect(state.rejected().map((r) => r.code)).toEqual(["C3", "C2"]);
    expect(state.rejected()[1]?.item).toMatch(/… \(5000 characters\)$/);
    expect(state.totals(g)).toMatchObject({ rejected_points: 3, rejected_batches: 2 });
    state.close();
  });

  it("marks batches for replay, answers a request, and counts a replayed batch once", () => {
    const state = new MqttIngestState({ path: file() });
    for (const n of [1, 2]) state.quarantine(batch(n, "gw-a"));
    state.quarantine(batch(3, "gw-b"));
    const ids = state.requestReplay({ gateway: "gw-a" }, "trust");
    expect(ids).toHaveLength(2);
    expect(state.replayRequests()).toEqual(ids.map((id) => ({ id, replay: "trust" })));
    const [first, second] = state.list({ gateway: "gw-a" });
    if (!first || !second) throw new Error("expected two batches");
    state.checked(second.id, "still refused: unknown token");
    state.replayed(first);
    state.replayed(first);
    expect(state.list({ gateway: "gw-a" })).toMatchObject([
      { id: second.id, replay: null, last_check: "still refused: unknown token" },
    ]);
    expect(state.totals({ institution: "ehpad-ben-guerir", gateway: "gw-a" })).toMatchObject({
      quarantined_batches: 2,
      replayed_batches: 1,
      replayed_points: 1,
    });
    expect(state.reasons({ institution: "ehpad-ben-guerir", gateway: "gw-b" })).toEqual([
      { code: "JISR_ERR_UNAUTHORIZED", reason: "unknown token", batches: 1, points: 1, last_at: 1003 },
    ]);
    state.close();
  });
});

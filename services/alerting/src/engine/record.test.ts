/**
 * Lifecycle with the durable store and notification planning, on an injected clock: what people are told
 * and when (grouping, repeats, acknowledgement, silences, escalation, resolution), and that a restart
 * neither loses alerts nor decides again what was already decided.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RecipientConfig } from "../config/schema.js";
import { AlertStore } from "../store/alert-store.js";
import { type RecordSettings, recordEvaluation } from "./record.js";
import { condition, fixedTiming, HOUR, MIN, sequentialIds, T0 } from "./testing/helpers.js";
import type { Condition, RuleTiming } from "./types.js";

const OTHER = "orphelinat-sidi-bennour";

const recipients: RecipientConfig[] = [
  {
    id: "tech-ahmed",
    name: "Ahmed",
    language: "ar",
    institutions: ["*"],
    min_severity: "info",
    channels: { email: "ahmed@example.ma", webhook: "http://127.0.0.1:9/hook" },
  },
  {
    id: "tech-salma",
    name: "Salma",
    language: "fr",
    institutions: [OTHER],
    min_severity: "major",
    channels: { mqtt_topic: "jisr/alerts/salma" },
  },
];

let dir: string;
let store: AlertStore;
let settings: RecordSettings;

function useTiming(t: Partial<RuleTiming>) {
  settings = { ...settings, timing: fixedTiming(t) };
}

const run = (now: number, conditions: Condition[] = []) =>
  recordEvaluation(store, { now, conditions }, settings);

/** Kinds of the items in each notification of one evaluation, per institution. */
function told(result: ReturnType<typeof run>) {
  return Object.fromEntries(
    result.notifications.map((n) => [n.institution, n.items.map((i) => `${i.kind}:${i.alert.device}`)]),
  );
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jisr-alerting-"));
  store = new AlertStore(join(dir, "state.sqlite"));
  settings = { timing: fixedTiming({ forMs: 10 * MIN }), recipients, newId: sequentialIds() };
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("notifications", () => {
  it("tells nothing while pending, then once when the alert fires", () => {
    expect(run(T0, [condition()]).notifications).toEqual([]);
    expect(told(run(T0 + 10 * MIN, [condition()]))).toEqual({ "ehpad-ben-guerir": ["firing:inv-1"] });
    expect(run(T0 + 11 * MIN, [condition()]).notifications).toEqual([]);
    expect(store.openAlerts().map((a) => [a.state, a.notifyCount])).toEqual([["firing", 1]]);
  });

  it("groups one evaluation's new alerts per institution, worst first", () => {
    useTiming({ forMs: 0 });
    const result = run(T0, [
      condition({ device: "inv-1", severity: "minor" }),
      condition({ device: "inv-2", severity: "critical" }),
      condition({ institution: OTHER, device: "inv-9" }),
    ]);
    expect(told(result)).toEqual({
      "ehpad-ben-guerir": ["firing:inv-2", "firing:inv-1"],
      [OTHER]: ["firing:inv-9"],
    });
    // Ahmed covers both (e-mail + webhook each); Salma only the other one, and only major and worse.
    const routes = store.deliveries().map((d) => `${d.notificationId}/${d.recipient}/${d.channel}`);
    expect(routes).toEqual([
      "ntf_1/tech-ahmed/email",
      "ntf_1/tech-ahmed/webhook",
      "ntf_2/tech-ahmed/email",
      "ntf_2/tech-ahmed/webhook",
      "ntf_2/tech-salma/mqtt",
    ]);
    expect(new Set(store.deliveries().map((d) => d.idempotencyKey)).size).toBe(5);
  });

  it("reminds after repeat_interval while nobody acknowledges, and stops once acknowledged", () => {
    useTiming({ forMs: 0, repeatIntervalMs: 4 * HOUR });
    run(T0, [condition()]);
    expect(run(T0 + 3 * HOUR, [condition()]).notifications).toEqual([]);
    expect(told(run(T0 + 4 * HOUR, [condition()]))).toEqual({ "ehpad-ben-guerir": ["repeat:inv-1"] });
    expect(run(T0 + 5 * HOUR, [condition()]).notifications).toEqual([]);
    const [alert] = store.openAlerts();
    store.acknowledge(alert?.id ?? "", { by: "Ahmed", at: T0 + 5 * HOUR, comment: "on my way" });
    expect(run(T0 + 8 * HOUR, [condition()]).notifications).toEqual([]);
    expect(run(T0 + 30 * HOUR, [condition()]).notifications).toEqual([]);
    // The acknowledgement survives the evaluations that rewrote the alert.
    expect(store.openAlerts()[0]?.ack).toEqual({ by: "Ahmed", at: T0 + 5 * HOUR, comment: "on my way" });
  });

  it("tells again at once when an alert gets worse, even acknowledged", () => {
    useTiming({ forMs: 0 });
    run(T0, [condition({ severity: "minor" })]);
    const [alert] = store.openAlerts();
    store.acknowledge(alert?.id ?? "", { by: "Ahmed", at: T0, comment: "" });
    expect(run(T0 + MIN, [condition({ severity: "minor" })]).notifications).toEqual([]);
    expect(told(run(T0 + 2 * MIN, [condition({ severity: "critical" })]))).toEqual({
      "ehpad-ben-guerir": ["escalated:inv-1"],
    });
    expect(run(T0 + 3 * MIN, [condition({ severity: "critical" })]).notifications).toEqual([]);
  });

  it("a fault that eases and worsens again is not told twice, and its resolution has the severity told", () => {
    useTiming({ forMs: 0, repeatIntervalMs: 4 * HOUR });
    expect(told(run(T0, [condition({ severity: "major" })]))).toEqual({
      "ehpad-ben-guerir": ["firing:inv-1"],
    });
    run(T0 + HOUR, [condition({ severity: "minor" })]);
    // The reminder while minor does not lower what people were told.
    expect(told(run(T0 + 4 * HOUR, [condition({ severity: "minor" })]))).toEqual({
      "ehpad-ben-guerir": ["repeat:inv-1"],
    });
    expect(run(T0 + 5 * HOUR, [condition({ severity: "major" })]).notifications).toEqual([]);
    run(T0 + 6 * HOUR, [condition({ severity: "minor" })]);
    const resolved = run(T0 + 7 * HOUR, [condition({ severity: "minor", active: false })]);
    expect(resolved.notifications.flatMap((n) => n.items.map((i) => [i.kind, i.alert.severity]))).toEqual([
      ["resolved", "major"],
    ]);
  });

  it("tells of a resolution once, and only when the firing was told", () => {
    useTiming({ forMs: 0 });
    run(T0, [condition()]);
    expect(told(run(T0 + HOUR, [condition({ active: false })]))).toEqual({
      "ehpad-ben-guerir": ["resolved:inv-1"],
    });
    expect(run(T0 + 2 * HOUR, [condition({ active: false })]).notifications).toEqual([]);
    expect(store.listAlerts({ state: "resolved" })).toHaveLength(1);
  });
});

describe("silences", () => {
  it("suppresses a matching alert until the silence ends, then tells it", () => {
    useTiming({ forMs: 0 });
    store.addSilence({
      id: "sil_1",
      matchers: { institution: "ehpad-ben-guerir", device: "inv-1" },
      startsAt: T0,
      endsAt: T0 + 2 * HOUR,
      createdBy: "Ahmed",
      comment: "inverter replaced this morning",
      createdAt: T0,
    });
    const first = run(T0, [condition({ device: "inv-1" }), condition({ device: "inv-2" })]);
    expect(told(first)).toEqual({ "ehpad-ben-guerir": ["firing:inv-2"] });
    expect(run(T0 + HOUR, [condition({ device: "inv-1" })]).notifications).toEqual([]);
    // Still firing when the silence ends: told at the next evaluation.
    expect(told(run(T0 + 2 * HOUR, [condition({ device: "inv-1" })]))).toEqual({
      "ehpad-ben-guerir": ["firing:inv-1"],
    });
  });

  it("suppresses the resolution of a silenced alert, and stops suppressing once ended early", () => {
    useTiming({ forMs: 0 });
    run(T0, [condition()]);
    store.addSilence({
      id: "sil_2",
      matchers: { rule: "inverter_fault" },
      startsAt: T0,
      endsAt: T0 + 24 * HOUR,
      createdBy: "Ahmed",
      comment: "",
      createdAt: T0,
    });
    expect(run(T0 + HOUR, [condition({ active: false })]).notifications).toEqual([]);
    store.endSilence("sil_2", T0 + 2 * HOUR);
    expect(told(run(T0 + 3 * HOUR, [condition()]))).toEqual({ "ehpad-ben-guerir": ["firing:inv-1"] });
  });
});

describe("inhibition", () => {
  const inhibitRules = [
    { source: ["inverter_fault"], target: ["pv_zero_production"], equal: ["institution", "device"] as const },
  ];

  it("tells the cause, not its symptom on the same device, and tells the symptom if it outlives the cause", () => {
    settings = { ...settings, timing: fixedTiming({ forMs: 0 }), inhibitRules };
    const fault = condition({ device: "inv-1" });
    const zero = condition({ rule: "pv_zero_production", device: "inv-1" });
    const otherZero = condition({ rule: "pv_zero_production", device: "inv-2" });
    expect(told(run(T0, [fault, zero, otherZero]))).toEqual({
      "ehpad-ben-guerir": ["firing:inv-1", "firing:inv-2"],
    });
    expect(run(T0 + MIN).notifications).toEqual([]);
    // The fault clears but the inverter still produces nothing: now the symptom is news.
    const after = run(T0 + HOUR, [{ ...fault, active: false }, zero, otherZero]);
    expect(after.notifications[0]?.items.map((i) => `${i.kind}:${i.alert.rule}:${i.alert.device}`)).toEqual([
      "firing:pv_zero_production:inv-1",
      "resolved:inverter_fault:inv-1",
    ]);
  });
});

describe("restart", () => {
  it("keeps alerts, ack and the notification log, and decides nothing twice", () => {
    useTiming({ forMs: 10 * MIN });
    run(T0, [condition()]);
    run(T0 + 10 * MIN, [condition()]);
    const before = store.deliveries();
    expect(before.map((d) => d.status)).toEqual(["pending", "pending"]);
    store.close();

    store = new AlertStore(join(dir, "state.sqlite"));
    expect(store.openAlerts().map((a) => [a.id, a.state, a.notifiedAt])).toEqual([
      ["alt_1", "firing", T0 + 10 * MIN],
    ]);
    expect(run(T0 + 11 * MIN, [condition()]).notifications).toEqual([]);
    // The decided-but-unsent deliveries are still due, with the same idempotency keys.
    expect(store.dueDeliveries(T0 + 11 * MIN).map((d) => d.delivery.idempotencyKey)).toEqual(
      before.map((d) => d.idempotencyKey),
    );
    expect(store.notifications()).toHaveLength(1);
  });

  it("keeps a pending alert's start across a restart, so `for` is not restarted", () => {
    run(T0, [condition()]);
    store.close();
    store = new AlertStore(join(dir, "state.sqlite"));
    expect(told(run(T0 + 10 * MIN, [condition()]))).toEqual({ "ehpad-ben-guerir": ["firing:inv-1"] });
  });
});

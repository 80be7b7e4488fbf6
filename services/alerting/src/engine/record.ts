/**
 * One evaluation, from what the rules said to what is stored: lifecycle → notification plan → routing,
 * read and written in one transaction of the state file, so an acknowledgement or silence recorded at
 * the same moment is either seen by this evaluation or applies to the next one, never lost.
 */
import { randomBytes } from "node:crypto";
import type { RecipientConfig } from "../config/schema.js";
import { route } from "../delivery/routing.js";
import type { AlertStore } from "../store/alert-store.js";
import type { InhibitRule } from "./inhibit.js";
import { evaluate } from "./lifecycle.js";
import { planNotifications } from "./notify-plan.js";
import type { Alert, Condition, Notification, RuleTiming } from "./types.js";

export interface RecordInput {
  now: number;
  conditions: readonly Condition[];
}

export interface RecordSettings {
  timing(rule: string): RuleTiming;
  recipients: readonly RecipientConfig[];
  inhibitRules?: readonly InhibitRule[];
  /** Id generator; random ids by default. */
  newId?: (prefix: "alt" | "ntf") => string;
}

export interface RecordResult {
  /** Alerts that changed state (opened, fired, resolved), for the logs. */
  transitions: Array<{ alert: Alert; from: Alert["state"] | "none"; to: Alert["state"] | "dropped" }>;
  notifications: Notification[];
  deliveries: number;
}

export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString("hex")}`;
}

export function recordEvaluation(
  store: AlertStore,
  input: RecordInput,
  settings: RecordSettings,
): RecordResult {
  const newId = settings.newId ?? randomId;
  return store.atomically(() => {
    const open = store.openAlerts();
    const evaluation = evaluate({
      ...input,
      open,
      timing: settings.timing,
      newId: () => newId("alt"),
    });
    const current = new Map(open.map((a) => [a.id, a]));
    for (const a of evaluation.dropped) current.delete(a.id);
    for (const a of evaluation.changed) current.set(a.id, a);
    const plan = planNotifications({
      now: input.now,
      alerts: [...current.values()],
      silences: store.listSilences(input.now),
      inhibitRules: settings.inhibitRules ?? [],
      timing: settings.timing,
      newId: () => newId("ntf"),
    });
    for (const a of plan.notified) current.set(a.id, a);
    const changedIds = new Set([...evaluation.changed, ...plan.notified].map((a) => a.id));
    const deliveries = plan.notifications.flatMap((n) => route(n, settings.recipients));
    store.commit({
      upserts: [...changedIds].map((id) => current.get(id) as Alert),
      drops: evaluation.dropped.map((a) => a.id),
      notifications: plan.notifications,
      deliveries,
    });
    const before = new Map(open.map((a) => [a.id, a.state]));
    const transitions: RecordResult["transitions"] = [
      ...evaluation.changed
        .filter((a) => before.get(a.id) !== a.state)
        .map((a) => ({ alert: a, from: before.get(a.id) ?? ("none" as const), to: a.state })),
      ...evaluation.dropped.map((a) => ({ alert: a, from: a.state, to: "dropped" as const })),
    ];
    return { transitions, notifications: plan.notifications, deliveries: deliveries.length };
  });
}

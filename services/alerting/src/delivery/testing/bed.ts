/**
 * For the delivery tests: a state file holding one evaluation's notifications (decided by the real
 * engine), and a dispatcher over it with the given channels and a short backoff.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import type { Language, RecipientConfig } from "../../config/schema.js";
import { recordEvaluation } from "../../engine/record.js";
import { condition, fixedTiming } from "../../engine/testing/helpers.js";
import type { Condition } from "../../engine/types.js";
import { AlertStore } from "../../store/alert-store.js";
import type { Channel } from "../channels/channel.js";
import { Dispatcher, type RetryPolicy } from "../dispatcher.js";
import type { RenderContext } from "../render.js";
import type { ChannelKind } from "../types.js";

export const NAMES: Record<string, Partial<Record<Language, string>> & { default: string }> = {
  "ehpad-ben-guerir": { default: "EHPAD Ben Guerir", ar: "دار المسنين بن جرير" },
  "orphelinat-sidi-bennour": { default: "Orphelinat Sidi Bennour" },
};

/** 2026-01-15 10:00 UTC, 11:00 in Ben Guerir: in the past, so what it decides is due at once. */
export const DECIDED_AT = Date.UTC(2026, 0, 15, 10, 0, 0);

export const renderContext: RenderContext = {
  institutionName: (id, language) => NAMES[id]?.[language] ?? NAMES[id]?.default ?? id,
  timeZone: "Africa/Casablanca",
};

export function recipient(
  over: Partial<RecipientConfig> & Pick<RecipientConfig, "channels">,
): RecipientConfig {
  return { id: "tech-1", name: "Tech", language: "fr", institutions: ["*"], min_severity: "info", ...over };
}

export interface DeliveryBed {
  store: AlertStore;
  dispatcher(channels: Partial<Record<ChannelKind, Channel>>, retry?: Partial<RetryPolicy>): Dispatcher;
  /** Records one more evaluation (firing at once) at `now`. */
  evaluate(now: number, conditions: Condition[]): void;
  close(): void;
}

export function deliveryBed(
  recipients: RecipientConfig[],
  conditions: Condition[] = [condition()],
): DeliveryBed {
  const dir = mkdtempSync(join(tmpdir(), "jisr-alerting-delivery-"));
  const store = new AlertStore(join(dir, "state.sqlite"));
  const settings = { timing: fixedTiming({ forMs: 0 }), recipients };
  const evaluate = (now: number, c: Condition[]) => {
    recordEvaluation(store, { now, conditions: c }, settings);
  };
  evaluate(DECIDED_AT, conditions);
  return {
    store,
    evaluate,
    dispatcher: (channels, retry) =>
      new Dispatcher({
        store,
        channels,
        render: renderContext,
        retry: { maxAttempts: 4, initialMs: 10, maxMs: 50, ...retry },
        clock: Date.now,
        logger: pino({ level: "silent" }),
      }),
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Flushes until `done()` holds, at most `ms`: retries wait for their backoff, so one flush is not enough. */
export async function flushUntil(d: Dispatcher, done: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not reached within ${ms} ms`);
    await d.flush();
    await new Promise((r) => setTimeout(r, 5));
  }
}

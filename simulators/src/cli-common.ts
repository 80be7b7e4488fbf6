// What the `jisr sim …` commands share: the start instant, faults on command, running until a signal.

import { solarNoonUtc } from "@jisr/core/solar";
import type { Logger } from "pino";
import type { z } from "zod";
import { type ControlServer, startControlServer } from "./control/control-server.js";
import { type FaultTarget, parseFaultText } from "./control/faults.js";

const BEN_GUERIR_LON = -7.95;

/** Parses commander's options with `schema`, or throws every problem named by its flag ("--tick-ms: ..."). */
export function parseFlags<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const flag = (p: PropertyKey[]) => `--${String(p[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  throw new Error(parsed.error.issues.map((i) => `${flag(i.path)}: ${i.message}`).join("; "));
}

/** `--start`: an ISO 8601 instant, or "noon" for today's solar noon at Ben Guerir. */
export function parseStart(text: string): Date {
  if (text === "noon") return new Date(solarNoonUtc(Date.now(), BEN_GUERIR_LON));
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new Error(`--start: "${text}" is not an ISO 8601 date-time or "noon"`);
  return d;
}

/**
 * Applies the `--fault` options, then serves the control API when `--control-port` is given. Shared by
 * `jisr sim inverter` and `jisr sim device`. The API has no authentication, so it listens on loopback
 * whatever address the device itself serves on.
 */
export async function faultsOnCommand(
  target: FaultTarget,
  o: { fault: readonly string[]; controlPort?: number | undefined },
  logger: Logger,
): Promise<ControlServer | undefined> {
  for (const text of o.fault) await target.apply(parseFaultText(text));
  if (o.controlPort === undefined) return undefined;
  return startControlServer({ targets: [target], port: o.controlPort, logger });
}

/** `--fault` may be given several times. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Resolves when SIGINT or SIGTERM arrives. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (sig: NodeJS.Signals) => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve(sig);
    };
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
}

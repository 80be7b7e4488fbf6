/**
 * The gateway's periodic chores besides polling and sending: the status file every few seconds, and
 * every health.interval the health readings (into the same queue as the devices' readings) and a WAL
 * checkpoint of the queue. A chore that fails is logged once per episode and tried again next time.
 */
import type { Logger } from "pino";
import type { Outbox } from "../uplink/outbox.js";
import { healthPoints } from "./health.js";
import type { GatewayStatusFile } from "./status-file.js";
import { writeStatusFile } from "./status-file.js";

export interface HousekeepingOptions {
  dataDir: string;
  statusIntervalMs: number;
  healthIntervalMs: number;
  outbox: Outbox & { checkpoint?: () => void };
  /** The gateway's state right now, as written to the status file. */
  snapshot: () => GatewayStatusFile;
  clock: () => number;
  logger: Logger;
}

export class Housekeeping {
  readonly #o: HousekeepingOptions;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #failing = new Set<string>();

  constructor(options: HousekeepingOptions) {
    this.#o = options;
  }

  start(): void {
    this.writeStatus();
    this.#timers.push(
      setInterval(() => this.writeStatus(), this.#o.statusIntervalMs),
      setInterval(() => this.#healthTick(), this.#o.healthIntervalMs),
    );
  }

  stop(): void {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
  }

  /** Writes the status file now; `stoppedAt` marks a clean stop. */
  writeStatus(stoppedAt?: number): void {
    this.#chore("write the status file", () => {
      const status = this.#o.snapshot();
      writeStatusFile(
        this.#o.dataDir,
        stoppedAt === undefined ? status : { ...status, stopped_at: stoppedAt },
      );
    });
  }

  #healthTick(): void {
    this.#chore("queue the health readings", () => {
      const s = this.#o.snapshot();
      this.#o.outbox.enqueue(
        healthPoints({
          institution: s.institution,
          gatewayId: s.gateway_id,
          now: this.#o.clock(),
          startedAt: s.started_at,
          devices: s.devices,
          queue: s.queue,
          uplink: s.uplink,
        }),
      );
    });
    const outbox = this.#o.outbox;
    if (outbox.checkpoint) this.#chore("checkpoint the queue", () => outbox.checkpoint?.());
  }

  #chore(what: string, fn: () => void): void {
    try {
      fn();
      if (this.#failing.delete(what)) this.#o.logger.info({ chore: what }, `Could ${what} again`);
    } catch (err) {
      if (this.#failing.has(what)) return;
      this.#failing.add(what);
      this.#o.logger.error({ err }, `Could not ${what}: ${(err as Error).message}`);
    }
  }
}

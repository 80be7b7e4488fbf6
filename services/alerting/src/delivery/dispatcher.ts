/**
 * Sends what the notification log says is due, and records the outcome: sent, another try later
 * (exponential backoff), or failed for good after `maxAttempts` or a permanent refusal. The log is in the
 * state file, so retries survive a restart. A delivery is marked sent only after its channel confirmed
 * it: a crash in between sends it again, with the same idempotency key (at-least-once).
 */
import type { Logger } from "pino";
import type { AlertStore } from "../store/alert-store.js";
import { type Channel, DeliveryError } from "./channels/channel.js";
import { messagePayload } from "./payload.js";
import { type RenderContext, renderMessage } from "./render.js";
import type { ChannelKind, DueDelivery } from "./types.js";

export interface RetryPolicy {
  maxAttempts: number;
  initialMs: number;
  maxMs: number;
}

export interface DispatcherOptions {
  store: AlertStore;
  channels: Partial<Record<ChannelKind, Channel>>;
  render: RenderContext;
  retry: RetryPolicy;
  clock: () => number;
  logger: Logger;
}

/** initial, 2×, 4×, ... capped at max: the wait after the `attempts`-th failure. */
export function backoffMs(attempts: number, policy: RetryPolicy): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempts - 1));
}

export class Dispatcher {
  readonly #o: DispatcherOptions;
  #running: Promise<number> | undefined;
  #again = false;

  constructor(options: DispatcherOptions) {
    this.#o = options;
  }

  /**
   * Sends every due delivery; resolves with how many were attempted. Calls during a flush share it, and
   * make it look once more for due deliveries when it is done (they may have been committed meanwhile).
   */
  flush(): Promise<number> {
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #drain(): Promise<number> {
    let attempted = 0;
    do {
      this.#again = false;
      const due = this.#o.store.dueDeliveries(this.#o.clock());
      await Promise.all(due.map((d) => this.#deliver(d)));
      attempted += due.length;
      if (due.length === 100) this.#again = true; // a full page: there may be more
    } while (this.#again);
    return attempted;
  }

  async #deliver({ delivery, notification }: DueDelivery): Promise<void> {
    const { store, retry, clock } = this.#o;
    const log = this.#o.logger.child({
      delivery: delivery.id,
      channel: delivery.channel,
      recipient: delivery.recipient,
      key: delivery.idempotencyKey,
    });
    const attempts = delivery.attempts + 1;
    try {
      const channel = this.#o.channels[delivery.channel];
      if (!channel)
        throw new DeliveryError(`no ${delivery.channel} channel is configured (delivery section)`, false);
      const rendered = renderMessage(notification, delivery, this.#o.render);
      const name = this.#o.render.institutionName(notification.institution, delivery.language);
      const payload = messagePayload(notification, delivery, rendered, name);
      await channel.send({ delivery, rendered, payload });
    } catch (err) {
      const retryable = err instanceof DeliveryError ? err.retryable : false;
      const message = (err as Error).message;
      if (retryable && attempts < retry.maxAttempts) {
        const next = clock() + backoffMs(attempts, retry);
        store.markRetry(delivery.id, attempts, next, message);
        log.warn(
          { attempts, next: new Date(next).toISOString(), reason: message },
          "Delivery failed; will retry",
        );
      } else {
        store.markFailed(delivery.id, attempts, message);
        log.error({ attempts, reason: message }, "Delivery failed; giving up");
      }
      return;
    }
    store.markSent(delivery.id, attempts, clock());
    log.info({ attempts }, "Notification delivered");
  }
}

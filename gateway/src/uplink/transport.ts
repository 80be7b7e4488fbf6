/**
 * What a Sender (sender.ts) sends batches over: HTTP to the ingestion service (http-transport.ts) or MQTT
 * to a central broker (mqtt-sender.ts). A transport only knows its wire: it sends one batch and says
 * what the other side's answer means for the data. The loop around it (which batch next, the live lane,
 * acknowledging, shrinking, setting refused points aside, backoff, status counters) is the Sender's,
 * written once for both.
 */
import type { Point } from "@jisr/core";

/**
 * The answer to one batch, in the words of post-batch.ts (HTTP's answers are the richest and are these
 * with a status; MQTT maps its PUBACK reason codes onto them, without one).
 */
export type TransportOutcome =
  /** Stored (HTTP 2xx) or taken in charge (MQTT PUBACK): the batch leaves the outbox. */
  | { kind: "delivered" }
  /** Some points can never be stored and none of the batch was; `problems` may name them by `index`. */
  | { kind: "rejected"; status: number; message: string; problems: unknown[] }
  /** The batch is too large; `ours`: a single point is then too large for good (else the config's fault). */
  | { kind: "too_large"; status?: number; message: string; ours: boolean }
  /** Needs a human (token, URL, ACL, no subscriber): keep the data, retry slowly. */
  | { kind: "refused"; status?: number; message: string }
  /**
   * May pass by itself: keep the data, retry with backoff, not before `retryAfterMs`. `late`: the batch may
   * still be acknowledged after this answer (an MQTT PUBLISH whose PUBACK did not come within
   * uplink.timeout stays in flight and is sent again on reconnect); the Sender sends nothing else until it
   * settles, so the same readings are never on the wire twice at once.
   */
  | {
      kind: "unavailable";
      status?: number;
      message: string;
      retryAfterMs?: number;
      late?: Promise<TransportOutcome>;
    };

export interface Transport {
  /** Who answers, for log lines: "Server" (HTTP) or "Broker" (MQTT). */
  readonly peer: string;
  /** Starts the connection, if the wire has one; `ready` is called each time it is up (a flush then). */
  start?(ready: () => void): void;
  /** Whether a batch can be sent now (MQTT: connected); the Sender waits for the next flush otherwise. */
  ready?(): boolean;
  /** Sends one batch; `signal` aborts it (uplink.timeout, or the gateway stopping). */
  send(points: readonly Point[], signal: AbortSignal): Promise<TransportOutcome>;
  /** Closes the connection, taking at most `deadlineMs`. */
  close?(deadlineMs: number): Promise<void>;
}

/** `promise`'s value, or undefined once `signal` aborts first (the promise itself runs on). */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

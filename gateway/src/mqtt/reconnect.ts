/**
 * Reconnects an mqtt.js client with exponential backoff and jitter. mqtt.js retries on a fixed
 * `reconnectPeriod`: after a broker restart, 40 gateways would all come back in the same second, and a
 * broker that refuses us (bad password) would be hammered every second for days. The client must be
 * created with `reconnectPeriod: 0`; this watch then owns reconnection.
 */
import type { MqttClient } from "mqtt";
import { type BackoffOptions, backoffDelay } from "../util/backoff.js";

export interface ConnectionWatch {
  /** Connection attempts that failed or connections lost since the last successful connect. */
  readonly failures: number;
  /** Times the connection was lost after having been up. */
  readonly drops: number;
  /** The last error mqtt.js reported (connection refused, bad credentials, ...). */
  readonly lastError: string | undefined;
  stop(): void;
}

export interface ConnectionEvents {
  onUp?(): void;
  /** Called once per lost connection or failed attempt, with what went wrong. */
  onDown?(reason: string, failures: number, retryInMs: number): void;
}

export function reconnectWithBackoff(
  client: MqttClient,
  policy: BackoffOptions,
  events: ConnectionEvents = {},
): ConnectionWatch {
  let failures = 0;
  let drops = 0;
  let wasUp = false;
  let lastError: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  client.on("connect", () => {
    failures = 0;
    wasUp = true;
    lastError = undefined;
    events.onUp?.();
  });
  // Without an "error" listener an EventEmitter throws: a refused connection would crash the gateway.
  client.on("error", (err) => {
    lastError = err.message || (err as NodeJS.ErrnoException).code || String(err);
  });
  client.on("close", () => {
    if (stopped) return;
    if (wasUp) drops++;
    wasUp = false;
    failures++;
    const delay = backoffDelay(failures, policy);
    events.onDown?.(lastError ?? "connection closed", failures, delay);
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!stopped && !client.connected) client.reconnect();
    }, delay);
  });
  return {
    get failures() {
      return failures;
    },
    get drops() {
      return drops;
    },
    get lastError() {
      return lastError;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

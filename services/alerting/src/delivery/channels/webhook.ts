/**
 * Webhook: the message's JSON document POSTed to the recipient's URL, with an `Idempotency-Key` header
 * (the IETF httpapi draft's name) equal to the body's `idempotency_key`. 2xx is delivered; 408, 429, 5xx
 * and network failures are worth another try; any other answer will not change by retrying.
 */
import type { Logger } from "pino";
import { type Channel, DeliveryError, type OutgoingMessage } from "./channel.js";

export interface WebhookOptions {
  timeoutMs: number;
  logger: Logger;
}

const RETRYABLE_STATUS = new Set([408, 425, 429]);

/** The URL without credentials or query, for logs and errors. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

export class WebhookChannel implements Channel {
  readonly kind = "webhook" as const;
  readonly #timeoutMs: number;
  readonly #log: Logger;

  constructor(opts: WebhookOptions) {
    this.#timeoutMs = opts.timeoutMs;
    this.#log = opts.logger;
  }

  async send({ delivery, payload }: OutgoingMessage): Promise<void> {
    const where = safeUrl(delivery.address);
    let res: Response;
    try {
      res = await fetch(delivery.address, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "idempotency-key": delivery.idempotencyKey,
          "user-agent": "jisr-alerting/0.1",
        },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      const reason =
        (err as Error).name === "TimeoutError" ? `no answer within ${this.#timeoutMs} ms` : causeOf(err);
      throw new DeliveryError(`webhook ${where}: ${reason}`, true, { cause: err });
    }
    // The body is not needed, but reading it frees the connection for the next request.
    const body = await res.text().catch(() => "");
    if (res.ok) {
      this.#log.debug({ url: where, status: res.status, key: delivery.idempotencyKey }, "Webhook delivered");
      return;
    }
    const retryable = res.status >= 500 || RETRYABLE_STATUS.has(res.status);
    throw new DeliveryError(`webhook ${where}: HTTP ${res.status} ${body.slice(0, 200)}`.trim(), retryable);
  }

  async close(): Promise<void> {}
}

/** fetch hides the socket error in `cause` ("fetch failed" alone helps nobody). */
function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

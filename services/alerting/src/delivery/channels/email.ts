/**
 * E-mail over SMTP with nodemailer: a plain-text and an HTML part (dir="rtl" for Arabic), the idempotency
 * key as the Message-ID, so a mail sent twice after a crash is recognisable as the same mail. SMTP 4xx
 * answers and connection failures are worth another try; 5xx (unknown mailbox, refused) are not.
 */
import nodemailer, { type Transporter } from "nodemailer";
import type { Logger } from "pino";
import type { SmtpConfig } from "../../config/schema.js";
import { type Channel, DeliveryError, type OutgoingMessage } from "./channel.js";

const MESSAGE_ID_DOMAIN = "alerting.jisr.invalid";

export class EmailChannel implements Channel {
  readonly kind = "email" as const;
  readonly #config: SmtpConfig;
  readonly #log: Logger;
  #transport: Transporter | undefined;

  constructor(config: SmtpConfig, logger: Logger) {
    this.#config = config;
    this.#log = logger;
  }

  #transporter(): Transporter {
    const c = this.#config;
    this.#transport ??= nodemailer.createTransport({
      host: c.host,
      port: c.port,
      secure: c.secure,
      requireTLS: c.require_tls,
      ...(c.user !== undefined && { auth: { user: c.user, pass: c.password ?? "" } }),
      connectionTimeout: c.timeout,
      greetingTimeout: c.timeout,
      socketTimeout: c.timeout,
    });
    return this.#transport;
  }

  async send({ delivery, rendered }: OutgoingMessage): Promise<void> {
    try {
      const info = await this.#transporter().sendMail({
        from: this.#config.from,
        to: delivery.address,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        messageId: `<${delivery.idempotencyKey}@${MESSAGE_ID_DOMAIN}>`,
        headers: { "Content-Language": rendered.language, "X-Jisr-Idempotency-Key": delivery.idempotencyKey },
      });
      this.#log.debug({ to: delivery.address, response: info.response }, "E-mail delivered");
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      const retryable = code === undefined || code < 500;
      const message = `e-mail to ${delivery.address} via ${this.#config.host}:${this.#config.port}: ${(err as Error).message}`;
      throw new DeliveryError(message, retryable, { cause: err });
    }
  }

  async close(): Promise<void> {
    this.#transport?.close();
    this.#transport = undefined;
  }
}

/**
 * What the end-to-end tests deliver to: a real webhook (node:http) and a real SMTP server (smtp-server),
 * both on loopback, recording every call and every mail (parsed) in arrival order.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface WebhookCall<Body> {
  /** The Idempotency-Key header. */
  key: string;
  body: Body;
}

/** The alert ids a mail names ("Alerte : alt_…"). */
export const alertIdsIn = (m: ParsedMail) => [...new Set(m.text?.match(/\balt_[0-9a-f]{16}\b/g) ?? [])];

export class Receivers<Body> {
  readonly hooks: WebhookCall<Body>[] = [];
  readonly mails: ParsedMail[] = [];
  webhookUrl = "";
  smtpPort = 0;
  #webhook: Server | undefined;
  #smtp: SMTPServer | undefined;

  async start(): Promise<void> {
    const webhook = createServer((req, res) => {
      let text = "";
      req.on("data", (c: Buffer) => {
        text += c.toString("utf8");
      });
      req.on("end", () => {
        this.hooks.push({ key: String(req.headers["idempotency-key"]), body: JSON.parse(text) as Body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
    this.#webhook = webhook;
    this.webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
    const smtp = new SMTPServer({
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            this.mails.push(mail);
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    this.#smtp = smtp;
    this.smtpPort = (smtp.server.address() as AddressInfo).port;
  }

  /** Forgets what was received (between tests). */
  clear(): void {
    this.hooks.length = 0;
    this.mails.length = 0;
  }

  async close(): Promise<void> {
    const webhook = this.#webhook;
    const smtp = this.#smtp;
    if (webhook) await new Promise((resolve) => webhook.close(resolve));
    if (smtp) await new Promise<void>((resolve) => smtp.close(resolve));
  }
}

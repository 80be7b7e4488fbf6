/**
 * E-mail delivery to a real SMTP server (smtp-server) on loopback; what it received is parsed with
 * mailparser and checked: recipients, subject, both parts, language and direction.
 */
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { pino } from "pino";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SmtpConfig } from "../../config/schema.js";
import { condition } from "../../engine/testing/helpers.js";
import { type DeliveryBed, deliveryBed, flushUntil, recipient } from "../testing/bed.js";
import { EmailChannel } from "./email.js";

interface Received {
  envelopeTo: string[];
  mail: ParsedMail;
}

const received: Received[] = [];
/** Answers 451 (try later) to the next N messages. */
let refuseNext = 0;
let smtp: SMTPServer;
let port: number;

beforeAll(async () => {
  smtp = new SMTPServer({
    // No TLS on loopback: the test server has no certificate a client would trust.
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      if (refuseNext > 0) {
        refuseNext--;
        stream.resume();
        stream.on("end", () =>
          callback(Object.assign(new Error("mailbox busy, try later"), { responseCode: 451 })),
        );
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  port = (smtp.server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => smtp.close(resolve)));

let bed: DeliveryBed | undefined;
let channel: EmailChannel | undefined;
afterEach(async () => {
  bed?.close();
  await channel?.close();
  received.length = 0;
});

function emailChannel(): EmailChannel {
  const config: SmtpConfig = {
    host: "127.0.0.1",
    port,
    secure: false,
    require_tls: false,
    from: "Jisr Alertes <alertes@jisr.example>",
    timeout: 5000,
  };
  channel = new EmailChannel(config, pino({ level: "silent" }));
  return channel;
}

const params = { institution: "ehpad-ben-guerir", device: "inv-1", state: "MPPT", clear_sky_power_w: 6400 };
/** What the zero-production rule says about an inverter that stopped at noon. */
const fault = condition({
  rule: "pv_zero_production",
  severity: "critical",
  evidence: { power_w: { value: 0, unit: "W" }, clear_sky_power_w: { value: 6400, unit: "W" } },
  summary: { key: "pv_zero_production.zero", params },
  action: { key: "check_inverter_breakers_and_dc_isolator", params },
});

describe("e-mail", () => {
  it("sends a French mail: recipients, subject, what, where, since, evidence and action", async () => {
    bed = deliveryBed([recipient({ language: "fr", channels: { email: "salma@example.ma" } })], [fault]);
    const dispatcher = bed.dispatcher({ email: emailChannel() });
    await flushUntil(dispatcher, () => received.length === 1);

    const { mail, envelopeTo } = received[0] as Received;
    expect(envelopeTo).toEqual(["salma@example.ma"]);
    expect(mail.subject).toBe("[Critique] Alerte à EHPAD Ben Guerir");
    expect(mail.from?.text).toBe('"Jisr Alertes" <alertes@jisr.example>');
    const key = bed.store.deliveries()[0]?.idempotencyKey;
    expect(mail.messageId).toBe(`<${key}@alerting.jisr.invalid>`);
    expect(mail.headers.get("content-language")).toBe("fr");
    const text = mail.text ?? "";
    expect(text).toContain(
      "Nouvelle alerte · Critique : L'onduleur inv-1 ne produit rien en plein jour (par ciel clair : 6\u202f400 W attendus)",
    );
    expect(text).toContain("Où : EHPAD Ben Guerir, appareil inv-1");
    expect(text).toContain("Depuis : 15 janv. 2026, 11:00");
    expect(text).toContain("Mesures : Puissance : 0 W ; Puissance par ciel clair : 6\u202f400 W");
    expect(text).toContain(
      "Action conseillée : Vérifiez le disjoncteur AC et le sectionneur DC de l'onduleur.",
    );
    expect(mail.html).toContain('<html lang="fr" dir="ltr">');
    expect(bed.store.deliveries()[0]).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("sends an Arabic mail right to left, with the institution's Arabic name", async () => {
    bed = deliveryBed([recipient({ language: "ar", channels: { email: "ahmed@example.ma" } })], [fault]);
    await flushUntil(bed.dispatcher({ email: emailChannel() }), () => received.length === 1);

    const { mail, envelopeTo } = received[0] as Received;
    expect(envelopeTo).toEqual(["ahmed@example.ma"]);
    expect(mail.subject).toBe("[حرج] تنبيه في دار المسنين بن جرير");
    expect(mail.html).toContain('<html lang="ar" dir="rtl">');
    expect(mail.html).toContain('<body dir="rtl">');
    expect(mail.text).toContain("\u200fأين: دار المسنين بن جرير، الجهاز inv-1");
    expect(mail.text).toContain("\u200fمنذ: 15\u200f/01\u200f/2026، 11:00");
    expect(mail.text).toContain("\u200fتنبيه جديد · حرج: العاكس inv-1 لا ينتج شيئا في النهار");
    expect(mail.text).toContain("\u200fالقياسات: القدرة: 0 W؛ القدرة في سماء صافية: 6.400 W");
    expect(mail.text).toContain(
      "\u200fالإجراء المقترح: تحقق من قاطع التيار المتناوب وقاطع التيار المستمر للعاكس.",
    );
    expect(mail.html).toContain('<th style="text-align:start;padding-inline-end:1em">الإجراء المقترح</th>');
  });

  it("sends the resolution as its own mail", async () => {
    bed = deliveryBed([recipient({ language: "en", channels: { email: "ops@example.ma" } })], [fault]);
    const dispatcher = bed.dispatcher({ email: emailChannel() });
    await flushUntil(dispatcher, () => received.length === 1);
    bed.evaluate(Date.UTC(2026, 0, 15, 12, 30), [{ ...fault, active: false }]);
    await flushUntil(dispatcher, () => received.length === 2);

    const { mail } = received[1] as Received;
    expect(mail.subject).toBe("Resolved: alert at EHPAD Ben Guerir");
    expect(mail.text).toContain("Resolved at: 15 Jan 2026, 13:30 (Lasted: 2 h 30 min)");
    expect(mail.text).toContain("Resolved · Critical: Inverter inv-1 produces nothing in daylight");
    expect(mail.text).toContain("Measured: Power: 0 W; Clear-sky power: 6,400 W");
    expect(mail.text).not.toContain("Suggested action");
  });

  it("retries a temporary refusal (451) and gets the mail through", async () => {
    refuseNext = 1;
    bed = deliveryBed([recipient({ channels: { email: "salma@example.ma" } })], [fault]);
    await flushUntil(bed.dispatcher({ email: emailChannel() }), () => received.length === 1);
    expect(bed.store.deliveries()[0]).toMatchObject({ status: "sent", attempts: 2 });
  });
});

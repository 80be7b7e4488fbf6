/** Webhook delivery to a real node:http server on loopback: retries, giving up, idempotency keys. */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { AlertStore } from "../../store/alert-store.js";
import { Dispatcher } from "../dispatcher.js";
import { type DeliveryBed, deliveryBed, flushUntil, recipient, renderContext } from "../testing/bed.js";
import { WebhookChannel } from "./webhook.js";

interface Received {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A server answering with the given statuses in turn (the last one repeats), recording what it got. */
async function hookServer(
  statuses: number[],
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body: JSON.parse(text) as Record<string, unknown> });
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200;
      res.writeHead(status, { "content-type": "text/plain" }).end(status >= 400 ? "busy, try later" : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/jisr?secret=s3cr3t`, received, server };
}

const channel = () => new WebhookChannel({ timeoutMs: 2000, logger: pino({ level: "silent" }) });

let bed: DeliveryBed | undefined;
let server: Server | undefined;
afterEach(async () => {
  bed?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

describe("webhook", () => {
  it("retries 5xx with backoff and sends the same idempotency key every time", async () => {
    const hook = await hookServer([503, 502, 200]);
    server = hook.server;
    bed = deliveryBed([recipient({ language: "en", channels: { webhook: hook.url } })]);
    const dispatcher = bed.dispatcher({ webhook: channel() });
    await flushUntil(dispatcher, () => bed?.store.deliveries()[0]?.status === "sent");

    expect(hook.received).toHaveLength(3);
    const keys = hook.received.map((r) => r.headers["idempotency-key"]);
    const [delivery] = bed.store.deliveries();
    expect(new Set(keys)).toEqual(new Set([delivery?.idempotencyKey]));
    expect(hook.received.map((r) => r.body.idempotency_key)).toEqual(keys);
    expect(delivery).toMatchObject({ status: "sent", attempts: 3, lastError: null });

    const body = hook.received[2]?.body as { institution: unknown; alerts: Array<Record<string, unknown>> };
    expect(body.institution).toEqual({ id: "ehpad-ben-guerir", name: "EHPAD Ben Guerir" });
    expect(body.alerts).toHaveLength(1);
    expect(body.alerts[0]).toMatchObject({
      kind: "firing",
      rule: "inverter_fault",
      severity: "major",
      device: "inv-1",
      since: "2026-01-15T10:00:00.000Z",
      since_local: "15 Jan 2026, 11:00",
      summary: "Inverter inv-1 is in fault (state FAULT)",
      action:
        "Note the fault code on the inverter's display, then restart it (AC off, DC off, wait 5 min, DC on, AC on).",
      evidence: [
        { key: "state", name: "State", value: "FAULT", unit: "" },
        { key: "power_w", name: "Power", value: 0, unit: "W" },
      ],
    });
  });

  it("gives up after max_attempts and records the last error", async () => {
    const hook = await hookServer([500]);
    server = hook.server;
    bed = deliveryBed([recipient({ channels: { webhook: hook.url } })]);
    const dispatcher = bed.dispatcher({ webhook: channel() }, { maxAttempts: 3 });
    await flushUntil(dispatcher, () => bed?.store.deliveries()[0]?.status === "failed");
    expect(hook.received).toHaveLength(3);
    const [delivery] = bed.store.deliveries();
    expect(delivery?.attempts).toBe(3);
    // The query (a secret, often) stays out of the recorded error.
    expect(delivery?.lastError).toBe(`webhook ${hook.url.split("?")[0]}: HTTP 500 busy, try later`);
    expect(await dispatcher.flush()).toBe(0);
  });

  it("does not retry an answer that retrying cannot change (404)", async () => {
    const hook = await hookServer([404]);
    server = hook.server;
    bed = deliveryBed([recipient({ channels: { webhook: hook.url } })]);
    await bed.dispatcher({ webhook: channel() }).flush();
    expect(hook.received).toHaveLength(1);
    expect(bed.store.deliveries()[0]).toMatchObject({ status: "failed", attempts: 1 });
  });

  it("retries when nobody listens, naming the socket error", async () => {
    const hook = await hookServer([200]);
    await new Promise((resolve) => hook.server.close(resolve)); // the port is now closed
    bed = deliveryBed([recipient({ channels: { webhook: hook.url } })]);
    await bed.dispatcher({ webhook: channel() }).flush();
    const [delivery] = bed.store.deliveries();
    expect(delivery).toMatchObject({ status: "pending", attempts: 1 });
    expect(delivery?.lastError).toContain("ECONNREFUSED");
    expect(delivery?.nextAttemptAt).toBeGreaterThan(Date.now() - 1000);
  });

  it("re-sends with the same key after a crash between sending and recording it (at-least-once)", async () => {
    const hook = await hookServer([200]);
    server = hook.server;
    bed = deliveryBed([recipient({ channels: { webhook: hook.url } })]);
    const path = bed.store.path;
    const dispatcher = bed.dispatcher({ webhook: channel() });
    // The "crash": the state file goes away while the webhook is being answered, so "sent" is never recorded.
    hook.server.once("request", () => bed?.store.close());
    await expect(dispatcher.flush()).rejects.toThrow(/not open/);
    expect(hook.received).toHaveLength(1);

    const reopened = new AlertStore(path);
    try {
      expect(reopened.deliveries()[0]?.status).toBe("pending");
      const again = new Dispatcher({
        store: reopened,
        channels: { webhook: channel() },
        render: renderContext,
        retry: { maxAttempts: 3, initialMs: 10, maxMs: 10 },
        clock: Date.now,
        logger: pino({ level: "silent" }),
      });
      await again.flush();
      expect(reopened.deliveries()[0]?.status).toBe("sent");
      expect(hook.received).toHaveLength(2);
      expect(hook.received[1]?.headers["idempotency-key"]).toBe(hook.received[0]?.headers["idempotency-key"]);
      expect(await again.flush()).toBe(0);
    } finally {
      reopened.close();
    }
  });
});

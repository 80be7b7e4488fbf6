/**
 * The service wired together on real time: its timer evaluates the rules over readings in a SQLite
 * store, the webhook gets the alert, the API (a real socket) shows it and takes the acknowledgement,
 * and the state survives a stop and a start.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "@jisr/core/store";
import { generateToken, hashToken } from "@jisr/service-kit";
import { pino } from "pino";
import { afterEach, beforeEach, expect, it } from "vitest";
import { parseAlertingConfig } from "./config/load.js";
import { type AlertingService, startAlerting } from "./service.js";

const logger = pino({ level: "silent" });
let dir: string;
let store: SqliteStore;
let hook: Server;
let received: Array<{ alerts: Array<{ rule: string; kind: string }> }>;
let service: AlertingService | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "jisr-alerting-service-"));
  store = new SqliteStore({ path: ":memory:", logger });
  await store.init();
  received = [];
  hook = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => {
      text += c.toString("utf8");
    });
    req.on("end", () => {
      received.push(JSON.parse(text));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
});

afterEach(async () => {
  await service?.stop();
  service = undefined;
  await store.close();
  await new Promise((resolve) => hook.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function until(what: string, done: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it("evaluates on its timer, notifies, serves the API, and keeps state across a restart", async () => {
  const now = Date.now();
  const tags = { institution: "ehpad-ben-guerir", device: "inv-1" };
  const fault = { power_w: 0, state: "FAULT", events: "", event_bits: 0 };
  await store.write([
    { measurement: "pv_inverter", tags, fields: fault, time: now - 60_000 },
    { measurement: "pv_inverter", tags, fields: fault, time: now - 1000 },
  ]);
  const token = generateToken();
  const config = parseAlertingConfig(`
state_file: ${join(dir, "state.sqlite")}
evaluation_interval: 1s
institutions:
  - id: ehpad-ben-guerir
    name: EHPAD Ben Guerir
    site: { inverters: { inv-1: { kwp: 10 } } }
recipients:
  - id: ops
    name: Ops
    language: en
    institutions: ["*"]
    channels: { webhook: "http://127.0.0.1:${(hook.address() as AddressInfo).port}/" }
timings:
  rules:
    inverter_fault: { for: "0s" }
# The faulted inverter reads 0 W: in daylight (from mid-morning, depending on the date) the zero-production
# rule would also open an alert on it, and this test is about the service, not about which rules fire.
rules:
  pv_zero_production: { enabled: false }
api:
  port: 0
  tokens: [{ id: tok_00000001, user: Ops, sha256: ${hashToken(token)}, institutions: ["*"] }]
`);
  service = await startAlerting({ store, config, logger });
  await until("the webhook", () => received.length > 0);
  expect(received[0]?.alerts.map((a) => `${a.kind}:${a.rule}`)).toEqual(["firing:inverter_fault"]);

  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const list = (await (await fetch(`${service.url}/api/v1/alerts`, { headers })).json()) as {
    alerts: Array<{ id: string; rule: string; state: string }>;
  };
  expect(list.alerts.map((a) => [a.rule, a.state])).toEqual([["inverter_fault", "firing"]]);
  const id = list.alerts[0]?.id ?? "";
  const ack = await fetch(`${service.url}/api/v1/alerts/${id}/ack`, {
    method: "POST",
    headers,
    body: JSON.stringify({ comment: "on it" }),
  });
  expect(ack.status).toBe(200);

  await service.stop();
  service = await startAlerting({ store, config, logger, timers: false, api: false });
  expect(service.alerts.getAlert(id)?.ack).toMatchObject({ by: "Ops", comment: "on it" });
  await service.evaluateNow();
  // Nothing new to tell after the restart: the firing alert was notified before it.
  expect(received).toHaveLength(1);
  expect(service.alerts.deliveries().map((d) => d.status)).toEqual(["sent"]);
});

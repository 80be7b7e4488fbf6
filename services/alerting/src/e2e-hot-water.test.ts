/**
 * End to end for solar hot water: a simulated institution (a solar water heater controller served by
 * @jisr/simulators on real Modbus TCP, read by the gateway's own profile driver into the SQLite store)
 * watched by the running alerting service, which delivers to a real webhook (node:http) and a real SMTP
 * server (smtp-server) on loopback. A pump failure and a stuck sensor are injected into the simulator;
 * each must raise exactly one notified alert within the expected time and resolve once cleared. A healthy
 * heater over a simulated week must raise none.
 *
 * Time: the test fakes Date only (timers and sockets stay real) and moves it step by step, so the
 * simulator, the driver's timestamps, the store and the service all share the simulated clock.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "@jisr/core/store";
import type { ParsedMail } from "mailparser";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parseAlertingConfig } from "./config/load.js";
import type { Alert } from "./engine/types.js";
import { type AlertingService, startAlerting } from "./service.js";
import { alertIdsIn, Receivers } from "./testing/receivers.js";
import { SimHotWaterSite } from "./testing/sim-swh.js";

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const logger = pino({ level: "silent" });
const INSTITUTION = "foyer-sim";
const HEATER = "swh-1";

interface Hook {
  body: { alerts: Array<{ id: string; kind: string; rule: string; device: string }> };
}

const receivers = new Receivers<Hook["body"]>();
const { hooks, mails } = receivers;

beforeAll(() => receivers.start());
afterAll(() => receivers.close());

function configText(dir: string): string {
  return `
state_file: ${join(dir, "alerting.sqlite")}
institutions:
  - id: ${INSTITUTION}
    name: Foyer simulé de Ben Guerir
    site:
      gateways: [gw-1]
      solar_water_heaters: { ${HEATER}: {} }
recipients:
  - { id: tech-fr, name: Salma, language: fr, institutions: ["*"], channels: { email: salma@example.ma, webhook: "${receivers.webhookUrl}" } }
timings:
  default: { for: "10m" }
delivery:
  backoff_initial: "1s"
  smtp: { host: 127.0.0.1, port: ${receivers.smtpPort}, from: "Jisr <alertes@jisr.example>" }
`;
}

/** A running institution with one heater: store, simulated site, alerting service; time starts at `start`. */
interface Bed {
  site: SimHotWaterSite;
  service: AlertingService;
  /** Steps the site every `stepMs` up to `until`, evaluating every `evalEveryMs`. */
  run(until: number, o?: { stepMs?: number; evalEveryMs?: number }): Promise<void>;
  close(): Promise<void>;
}

async function startBed(start: number): Promise<Bed> {
  vi.setSystemTime(start);
  const dir = mkdtempSync(join(tmpdir(), "jisr-alerting-e2e-swh-"));
  const store = new SqliteStore({ path: ":memory:", logger });
  await store.init();
  const site = new SimHotWaterSite(INSTITUTION, HEATER, store);
  await site.start();
  const service = await startAlerting({
    store,
    config: parseAlertingConfig(configText(dir)),
    logger,
    api: false,
    timers: false,
  });
  let lastEval = Number.NEGATIVE_INFINITY;
  let lastStep = Number.NEGATIVE_INFINITY;
  return {
    site,
    service,
    async run(until, o = {}) {
      const stepMs = o.stepMs ?? 2 * MIN;
      const evalEveryMs = o.evalEveryMs ?? 10 * MIN;
      for (let t = Math.max(Date.now(), lastStep + stepMs); t <= until; t += stepMs) {
        vi.setSystemTime(t);
        await site.step(t);
        lastStep = t;
        if (t - lastEval >= evalEveryMs) {
          await service.evaluateNow();
          lastEval = t;
        }
      }
    },
    async close() {
      await service.stop();
      await site.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const fired = (alerts: Alert[]) => alerts.filter((a) => a.firingSince !== null);
const notified = (alerts: Alert[]) => alerts.filter((a) => a.notifiedAt !== null);

/** The renderer's subjectResolved for one alert, in French (the one recipient's language). */
const RESOLVED_SUBJECT = "Résolue : alerte à Foyer simulé de Ben Guerir";
/** Ids of the alerts a mail tells about: each block of it ends with its reference, "Alerte : alt_…". */

describe("end to end, solar hot water", () => {
  let bed: Bed | undefined;
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
  });
  afterAll(() => {
    vi.useRealTimers();
  });
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
    receivers.clear();
  });

  /** "rule:device" of every alert delivered with this kind, in delivery order. */
  const told = (kind: string) =>
    hooks.flatMap((h) => h.body.alerts.filter((a) => a.kind === kind).map((a) => `${a.rule}:${a.device}`));
  /** 10 June 2026 (clear summer day), UTC; local time is UTC+1. */
  const D = (day: number, h: number, m = 0) => Date.UTC(2026, 5, day, h, m);
  /** Kinds of the webhook items about this one alert, in delivery order. */
  const toldOf = (id: string) =>
    hooks.flatMap((h) => h.body.alerts.filter((a) => a.id === id).map((a) => a.kind));
  /**
   * Once the fault is cleared (`at` = how many webhook calls and mails had arrived by then): the resolution
   * of exactly this alert reached the webhook once and the mailbox once, none earlier.
   */
  const expectResolutionTold = (
    alert: Alert | undefined,
    severityText: string,
    at: { hooks: number; mails: number },
  ) => {
    const id = alert?.id ?? "no alert";
    const resolvedIds = (hs: Hook[]) =>
      hs.flatMap((h) => h.body.alerts.filter((a) => a.kind === "resolved").map((a) => a.id));
    expect(resolvedIds(hooks.slice(0, at.hooks))).toEqual([]);
    expect(resolvedIds(hooks.slice(at.hooks))).toEqual([id]);
    expect(mails.slice(0, at.mails).filter((m) => m.subject === RESOLVED_SUBJECT)).toEqual([]);
    const resolutions = mails.slice(at.mails).filter((m) => m.subject === RESOLVED_SUBJECT);
    expect(resolutions).toHaveLength(1);
    expect(alertIdsIn(resolutions[0] as ParsedMail)).toEqual([id]);
    const text = resolutions[0]?.text ?? "";
    expect(text).toContain(`Résolue · ${severityText} : `);
    expect(text).toMatch(/Résolue le : .+ \(Durée : .+\)/);
    expect(text).toContain(`Alerte : ${id}`);
  };

  it("a failed solar pump raises one alert (no heat gain), told by webhook and e-mail, resolved once repaired", {
    timeout: 120_000,
  }, async () => {
    bed = await startBed(D(10, 6));
    await bed.run(D(10, 9));
    expect(bed.service.alerts.listAlerts()).toEqual([]);

    bed.site.heater.setFault({ pumpFailure: true });
    await bed.run(D(10, 17));
    const all = bed.service.alerts.listAlerts();
    const alert = all.find((a) => a.rule === "swh_no_heat_gain");
    expect(alert).toMatchObject({ device: HEATER, state: "firing" });
    // A full hour of pumping without gain is judged (window_min 60), then pending 10 min, then an evaluation.
    expect((alert?.firingSince ?? Infinity) - D(10, 9)).toBeLessThanOrEqual(90 * MIN);
    expect(told("firing")).toEqual([`swh_no_heat_gain:${HEATER}`]);
    expect(notified(all).map((a) => a.rule)).toEqual(["swh_no_heat_gain"]);
    // The collector stagnates too: that alert exists, but the pump failure inhibits it (one fault, one message).
    expect(fired(all).find((a) => a.rule === "swh_overheating")).toMatchObject({ notifiedAt: null });
    // E-mail too (the repeat interval may have told it again since).
    expect(mails.length).toBeGreaterThan(0);
    expect(new Set(mails.map((m) => m.subject))).toEqual(
      new Set(["[Majeure] Alerte à Foyer simulé de Ben Guerir"]),
    );
    // Every mail so far tells of this alert alone (the inhibited overheating is in none): the first as new,
    // any other as a reminder; the pump runs with no flow, and the action sends someone to the pump.
    expect(mails.every((m) => alertIdsIn(m).join() === alert?.id)).toBe(true);
    const headings = mails.map((m) => m.text?.split("\n")[0] ?? "");
    expect(headings[0]).toMatch(
      /^Nouvelle alerte · Majeure : Chauffe-eau solaire swh-1 : pompe en marche depuis \d+ min mais pas de débit \(capteur \d+ K au-dessus du ballon\)$/,
    );
    expect(
      headings.slice(1).every((h) => h.startsWith("Toujours active · Majeure : Chauffe-eau solaire swh-1 :")),
    ).toBe(true);
    expect(mails[0]?.text).toContain("Où : Foyer simulé de Ben Guerir, appareil swh-1");
    expect(mails[0]?.text).toContain(
      "Action conseillée : Vérifiez la pompe solaire, les vannes et l'air dans la boucle solaire",
    );
    expect(toldOf(alert?.id ?? "").filter((k) => k !== "repeat")).toEqual(["firing"]);

    const cleared = { hooks: hooks.length, mails: mails.length };
    bed.site.heater.setFault({ pumpFailure: false });
    await bed.run(D(11, 17));
    const after = bed.service.alerts.getAlert(alert?.id ?? "");
    expect(after?.state).toBe("resolved");
    // Flow and heat gain are back within the hour: the next judged window is healthy.
    expect((after?.resolvedAt ?? Infinity) - D(10, 17)).toBeLessThanOrEqual(90 * MIN);
    expect(told("resolved")).toEqual([`swh_no_heat_gain:${HEATER}`]);
    expect(told("firing")).toEqual([`swh_no_heat_gain:${HEATER}`]);
    expect(bed.service.alerts.listAlerts({ state: "open" })).toEqual([]);
    expect(toldOf(alert?.id ?? "").filter((k) => k !== "repeat")).toEqual(["firing", "resolved"]);
    expectResolutionTold(alert, "Majeure", cleared);
  });

  it("a stuck collector sensor raises one alert, resolved once the sensor reads again", {
    timeout: 120_000,
  }, async () => {
    bed = await startBed(D(10, 6));
    await bed.run(D(10, 8));
    bed.site.heater.setFault({ stuck: ["collector_temperature_c"] });
    await bed.run(D(10, 16));
    const all = bed.service.alerts.listAlerts();
    const [alert] = fired(all);
    expect(alert).toMatchObject({ rule: "swh_sensor_fault", device: HEATER, state: "firing" });
    expect(alert?.evidence.faulty_sensors?.value).toEqual([
      expect.stringMatching(/^collector_temperature_c: stuck/),
    ]);
    // stuck_hours (6) of one value, then pending 10 min, then an evaluation.
    expect((alert?.firingSince ?? Infinity) - D(10, 8)).toBeLessThanOrEqual(6 * HOUR + 30 * MIN);
    expect(fired(all)).toHaveLength(1);
    expect(told("firing")).toEqual([`swh_sensor_fault:${HEATER}`]);
    expect(mails.length).toBeGreaterThan(0);
    // By e-mail too, about this alert alone (the repeat interval, 4 h, may have told it again since).
    expect(mails.every((m) => alertIdsIn(m).join() === alert?.id)).toBe(true);
    expect(new Set(mails.map((m) => m.subject))).toEqual(
      new Set(["[Mineure] Alerte à Foyer simulé de Ben Guerir"]),
    );
    expect(mails[0]?.text).toMatch(
      /^Nouvelle alerte · Mineure : La sonde collector_temperature_c de swh-1 est bloquée sur une valeur$/m,
    );
    expect(mails[0]?.text).toContain("Où : Foyer simulé de Ben Guerir, appareil swh-1");
    expect(toldOf(alert?.id ?? "").filter((k) => k !== "repeat")).toEqual(["firing"]);

    const cleared = { hooks: hooks.length, mails: mails.length };
    bed.site.heater.setFault({ stuck: [] });
    await bed.run(D(10, 17));
    expect(bed.service.alerts.getAlert(alert?.id ?? "")?.state).toBe("resolved");
    expect(told("resolved")).toEqual([`swh_sensor_fault:${HEATER}`]);
    expect(fired(bed.service.alerts.listAlerts())).toHaveLength(1);
    expect(toldOf(alert?.id ?? "").filter((k) => k !== "repeat")).toEqual(["firing", "resolved"]);
    expectResolutionTold(alert, "Mineure", cleared);
  });

  it("a healthy heater over a simulated week raises no alert", { timeout: 200_000 }, async () => {
    const start = Date.UTC(2026, 5, 1, 0, 0);
    bed = await startBed(start);
    await bed.run(start + 7 * DAY, { stepMs: 5 * MIN, evalEveryMs: HOUR });
    expect(bed.service.alerts.listAlerts()).toEqual([]);
    expect(hooks).toEqual([]);
    expect(mails).toEqual([]);
  });
});

/**
 * End to end: a simulated institution (SunSpec inverters on real Modbus TCP, read by the gateway's own
 * driver into the SQLite store) watched by the running alerting service, which delivers to a real
 * webhook (node:http) and a real SMTP server (smtp-server) on loopback. Faults are injected into the
 * simulators; each must raise exactly one alert within the expected time, reach both receivers, and
 * resolve once cleared. A healthy fleet over a simulated week must raise none.
 *
 * Time: the test fakes Date only (timers and sockets stay real) and moves it step by step, so the
 * simulators, the driver's timestamps, the store and the service all share the simulated clock.
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
import { SimSite } from "./testing/sim-site.js";

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const logger = pino({ level: "silent" });

interface Hook {
  key: string;
  body: {
    institution: { id: string };
    alerts: Array<{ id: string; kind: string; rule: string; device: string }>;
  };
}

const receivers = new Receivers<Hook["body"]>();
const { hooks, mails } = receivers;

beforeAll(() => receivers.start());
afterAll(() => receivers.close());

/** A running institution: store, simulated site, alerting service; time starts at `start`. */
interface Bed {
  dir: string;
  store: SqliteStore;
  site: SimSite;
  service: AlertingService;
  /** Steps the site every `stepMs` up to `until`, evaluating every `evalEveryMs`; returns alerts opened. */
  run(until: number, o?: { stepMs?: number; evalEveryMs?: number }): Promise<void>;
  close(): Promise<void>;
}

const INSTITUTION = "foyer-sim";

function configText(dir: string, inverters: string): string {
  return `
state_file: ${join(dir, "alerting.sqlite")}
institutions:
  - id: ${INSTITUTION}
    name: Foyer simulé de Ben Guerir
    names: { ar: دار الرعاية التجريبية }
    site:
      gateways: [gw-1]
      inverters: ${inverters}
recipients:
  - { id: tech-fr, name: Salma, language: fr, institutions: ["*"], channels: { email: salma@example.ma, webhook: "${receivers.webhookUrl}" } }
  - { id: tech-ar, name: Ahmed, language: ar, institutions: [${INSTITUTION}], channels: { email: ahmed@example.ma } }
timings:
  default: { for: "10m" }
  rules:
    inverter_fault: { for: "2m", keep_firing_for: "10m" }
    device_silent: { for: "0s" }
    site_silent: { for: "0s" }
delivery:
  backoff_initial: "1s"
  smtp: { host: 127.0.0.1, port: ${receivers.smtpPort}, from: "Jisr <alertes@jisr.example>" }
`;
}

async function startBed(start: number, inverters: Array<[string, number, number]>): Promise<Bed> {
  vi.setSystemTime(start);
  const dir = mkdtempSync(join(tmpdir(), "jisr-alerting-e2e-"));
  // In memory: the readings are not what is under test, and a file would fsync at every step.
  const store = new SqliteStore({ path: ":memory:", logger });
  await store.init();
  const site = new SimSite(INSTITUTION, store);
  for (const [id, kwp, seed] of inverters) await site.addInverter(id, kwp, seed);
  const yamlInverters = `{ ${inverters.map(([id, kwp]) => `${id}: { kwp: ${kwp}, inputs: { "1": ${kwp * 0.55}, "2": ${kwp * 0.45} } }`).join(", ")} }`;
  const config = parseAlertingConfig(configText(dir, yamlInverters));
  const service = await startAlerting({ store, config, logger, api: false, timers: false });
  let lastEval = Number.NEGATIVE_INFINITY;
  let lastStep = Number.NEGATIVE_INFINITY;
  return {
    dir,
    store,
    site,
    service,
    async run(until, o = {}) {
      const stepMs = o.stepMs ?? MIN;
      const evalEveryMs = o.evalEveryMs ?? 5 * MIN;
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

/** Subjects of a resolution mail to each recipient (fr, ar): the renderer's subjectResolved for one alert. */
const RESOLVED_SUBJECTS = [
  "Résolue : alerte à Foyer simulé de Ben Guerir",
  "تم الحل: تنبيه في دار الرعاية التجريبية",
];
const isResolution = (m: ParsedMail) => RESOLVED_SUBJECTS.includes(m.subject ?? "");
/** Ids of the alerts a mail tells about: each block of it ends with its reference, "Alerte : alt_…". */
/** The French mails about exactly this alert (and no other). */
const frMailsOf = (id: string) =>
  mails.filter((m) => m.subject?.includes("Foyer simulé") && alertIdsIn(m).join() === id);

describe("end to end", () => {
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
  const subjects = () => mails.map((m) => m.subject ?? "").sort();
  /** Kinds of the webhook items about this one alert, in delivery order. */
  const toldOf = (id: string) =>
    hooks.flatMap((h) => h.body.alerts.filter((a) => a.id === id).map((a) => a.kind));
  /**
   * Once the fault is cleared (`at` = how many webhook calls and mails had arrived by then): the resolution
   * of exactly this alert reached the webhook once, and both recipients by e-mail once each, none earlier.
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
    expect(mails.slice(0, at.mails).filter(isResolution)).toEqual([]);
    const resolutions = mails.slice(at.mails).filter(isResolution);
    expect(resolutions.map((m) => m.subject).sort()).toEqual([...RESOLVED_SUBJECTS].sort());
    for (const m of resolutions) expect(alertIdsIn(m)).toEqual([id]);
    const fr = resolutions.find((m) => m.subject?.startsWith("Résolue"))?.text ?? "";
    expect(fr).toContain(`Résolue · ${severityText} : `);
    expect(fr).toMatch(/Résolue le : .+ \(Durée : .+\)/);
    expect(fr).toContain(`Alerte : ${id}`);
  };
  /** 10 June 2026 (clear summer day), UTC; local time is UTC+1. */
  const D = (h: number, m = 0) => Date.UTC(2026, 5, 10, h, m);

  it("an inverter trip raises one alert, told by webhook and e-mail, resolved once cleared", {
    timeout: 120_000,
  }, async () => {
    bed = await startBed(D(8), [["inv-1", 10, 1]]);
    await bed.run(D(9));
    expect(bed.service.alerts.listAlerts()).toEqual([]);

    bed.site.inverter("inv-1").setFault({ trip: true });
    await bed.run(D(9, 45));
    const fault = bed.service.alerts.listAlerts().find((a) => a.rule === "inverter_fault");
    expect(fault?.state).toBe("firing");
    expect((fault?.firingSince ?? Infinity) - D(9)).toBeLessThanOrEqual(10 * MIN);
    // The inverter also produces nothing: that alert exists, but the fault inhibits it (one fault, one message).
    expect(told("firing")).toEqual(["inverter_fault:inv-1"]);
    expect(
      fired(bed.service.alerts.listAlerts()).every(
        (a) => a.rule === "inverter_fault" || a.notifiedAt === null,
      ),
    ).toBe(true);
    expect(hooks[0]?.key).toMatch(/\.tech-fr\.webhook$/);
    expect(subjects()).toEqual([
      "[Critique] Alerte à Foyer simulé de Ben Guerir",
      "[حرج] تنبيه في دار الرعاية التجريبية",
    ]);
    expect(mails.find((m) => m.subject?.startsWith("[Critique]"))?.text).toContain(
      "Nouvelle alerte · Critique : L'onduleur inv-1 est en défaut (état FAULT)",
    );

    const cleared = { hooks: hooks.length, mails: mails.length };
    bed.site.inverter("inv-1").setFault({ trip: false });
    await bed.run(D(10, 15));
    const after = bed.service.alerts.getAlert(fault?.id ?? "");
    expect(after?.state).toBe("resolved");
    // keep_firing_for 10 min, then the next evaluation.
    expect((after?.resolvedAt ?? Infinity) - D(9, 45)).toBeLessThanOrEqual(20 * MIN);
    expect(told("resolved")).toEqual(["inverter_fault:inv-1"]);
    expect(told("firing")).toEqual(["inverter_fault:inv-1"]);
    expect(bed.service.alerts.listAlerts({ state: "open" })).toEqual([]);
    expect(mails).toHaveLength(4);
    expectResolutionTold(fault, "Critique", cleared);
  });

  it("a failed string raises one alert on its inverter, resolved once repaired", {
    timeout: 120_000,
  }, async () => {
    bed = await startBed(D(8), [["inv-1", 10, 1]]);
    await bed.run(D(9), { stepMs: 2 * MIN });
    bed.site.inverter("inv-1").setFault({ stringFailure: 1 });
    await bed.run(D(11, 30), { stepMs: 2 * MIN });
    const [alert] = fired(bed.service.alerts.listAlerts());
    expect(alert).toMatchObject({
      rule: "pv_input_mismatch",
      device: "inv-1",
      state: "firing",
      severity: "major",
    });
    expect(told("firing")).toEqual(["pv_input_mismatch:inv-1"]);
    // While the median of the day's buckets moves from healthy to failed, it may first read "degraded"
    // (minor), then "failed" (major): the same alert, told again when it gets worse.
    expect(told("escalated").length).toBeLessThanOrEqual(1);
    expect(subjects()).toContain("[Majeure] Alerte à Foyer simulé de Ben Guerir");
    expect(subjects()).toContain("[كبير] تنبيه في دار الرعاية التجريبية");
    // Buckets of 15 min (bucket_min) aligned on `now − 24 h`, not on the hour: the healthy hour before the
    // fault touches at most 5 of them, the last straddling 9:00. The input's median ratio falls below 70 %
    // (degraded_below_pct) once as many buckets after that one hold failed readings: by 9:00 + 15 + 5 × 15
    // = 90 min. Seen at the next evaluation (2-min steps, one every 6 min), then pending for `for` (10 min),
    // which ends at the second evaluation after (12 min): 90 + 6 + 12 = 108 min.
    expect((alert?.firingSince ?? Infinity) - D(9)).toBeLessThanOrEqual(108 * MIN);

    const cleared = { hooks: hooks.length, mails: mails.length };
    bed.site.inverter("inv-1").setFault({ stringFailure: null });
    await bed.run(D(15), { stepMs: 2 * MIN });
    expect(bed.service.alerts.getAlert(alert?.id ?? "")?.state).toBe("resolved");
    expect(told("resolved")).toEqual(["pv_input_mismatch:inv-1"]);
    expect(fired(bed.service.alerts.listAlerts())).toHaveLength(1);
    // On the way back the median passes through "degraded" (minor), but people were told of a failed
    // string (major): the resolution is told at that severity.
    expectResolutionTold(alert, "Majeure", cleared);
  });

  it("a healthy fleet over a simulated week raises no alert", { timeout: 300_000 }, async () => {
    const start = Date.UTC(2026, 5, 1, 0, 0);
    bed = await startBed(start, [
      ["inv-1", 10, 1],
      ["inv-2", 6, 2],
    ]);
    await bed.run(start + 7 * DAY, { stepMs: 10 * MIN, evalEveryMs: 4 * HOUR });
    expect(bed.service.alerts.listAlerts()).toEqual([]);
    expect(hooks).toEqual([]);
    expect(mails).toEqual([]);
  });

  it("slow soiling raises one cleaning recommendation, resolved after the modules are cleaned", {
    timeout: 300_000,
  }, async () => {
    const start = Date.UTC(2026, 4, 1, 0, 0);
    bed = await startBed(start, [["inv-1", 10, 1]]);
    const day = async (n: number, soilingPct: number) => {
      bed?.site.inverter("inv-1").setFault({ soilingPct });
      await bed?.run(start + (n + 1) * DAY - 15 * MIN, { stepMs: 15 * MIN, evalEveryMs: DAY });
    };
    // Dust settles at 0.6 % a day (Ben Guerir loses 13-15 % a year uncleaned, DOMAIN.md 5.1).
    let n = 0;
    for (; n < 14; n++) await day(n, 0.6 * n);
    const [alert] = fired(bed.service.alerts.listAlerts());
    expect(alert).toMatchObject({ rule: "pv_soiling", device: "inv-1", state: "firing" });
    expect(told("firing")).toEqual(["pv_soiling:inv-1"]);
    const mail = mails.find((m) => m.subject?.startsWith("["))?.text ?? "";
    expect(mail).toMatch(
      /Les modules de l'onduleur inv-1 sont sales : \d+ % de perte, environ \d+ MAD par mois/,
    );
    expect(mail).toContain("Action conseillée : Nettoyez les modules");
    // The loss reaches min_loss_pct (5 %) at 0.6 %/day on day ⌈5 / 0.6⌉ = 9. The rule judges complete
    // local days, at the daily evaluation (00:00 UTC, 01:00 local) after day 9: start + 10 d. `for`
    // (10 min) already holds then: the condition counts from the cleaning day (the rule's `since`).
    expect((alert?.firingSince ?? Infinity) - start).toBeLessThanOrEqual(10 * DAY);

    // Cleaned: the ratio jumps back; the rule judges again once it has enough clear days since.
    const cleared = { hooks: hooks.length, mails: mails.length };
    for (; n < 22; n++) await day(n, 0);
    expect(bed.service.alerts.getAlert(alert?.id ?? "")?.state).toBe("resolved");
    expect(told("resolved")).toEqual(["pv_soiling:inv-1"]);
    expect(fired(bed.service.alerts.listAlerts())).toHaveLength(1);
    // Minor all along: the loss never reaches major_loss_pct (15 %) before the cleaning (0.6 × 13 = 7.8 %).
    expectResolutionTold(alert, "Mineure", cleared);
  });

  it("a cut cable raises one 'device silent' alert, resolved when the inverter answers again", {
    timeout: 120_000,
  }, async () => {
    bed = await startBed(D(8), [["inv-1", 10, 1]]);
    await bed.run(D(10));
    await bed.site.disconnect("inv-1");
    await bed.run(D(11));
    const [alert] = fired(bed.service.alerts.listAlerts());
    expect(alert).toMatchObject({ rule: "device_silent", device: "inv-1", state: "firing" });
    // after_min (30) of silence, then the next evaluation.
    expect((alert?.firingSince ?? Infinity) - D(10)).toBeLessThanOrEqual(40 * MIN);
    expect(told("firing")).toEqual(["device_silent:inv-1"]);
    expect(toldOf(alert?.id ?? "")).toEqual(["firing"]);
    // Both recipients by e-mail, once each, about this alert only: it fired at most an hour ago, and the
    // repeat interval (4 h by default) cannot have told it again yet.
    expect(mails.every((m) => alertIdsIn(m).join() === alert?.id)).toBe(true);
    expect(subjects()).toEqual([
      "[Majeure] Alerte à Foyer simulé de Ben Guerir",
      "[كبير] تنبيه في دار الرعاية التجريبية",
    ]);
    expect(frMailsOf(alert?.id ?? "")[0]?.text).toMatch(
      /^Nouvelle alerte · Majeure : L'appareil inv-1 ne répond plus depuis \d+ min \(sa passerelle, elle, répond\)$/m,
    );

    const cleared = { hooks: hooks.length, mails: mails.length };
    await bed.site.reconnect("inv-1");
    await bed.run(D(11, 30));
    expect(bed.service.alerts.getAlert(alert?.id ?? "")?.state).toBe("resolved");
    expect(told("resolved")).toEqual(["device_silent:inv-1"]);
    expect(fired(bed.service.alerts.listAlerts())).toHaveLength(1);
    expect(toldOf(alert?.id ?? "")).toEqual(["firing", "resolved"]);
    expectResolutionTold(alert, "Majeure", cleared);
  });
});

/**
 * Speed of every Grafana panel query, as Grafana sends it, for N institutions (40 by default), on a
 * private influxd holding: one-minute raw readings of the last 8 days (PV inverter, grid meter, water
 * heater, gateway health; the inverter's state and events and device health for the last day), their
 * hourly rollups made by `jisr influx setup` + `jisr influx downsample` (rp_1h), and a year of daily
 * results.
 *
 * Each panel is queried over its dashboard's default range (or its own `timeFrom`) at "now" =
 * 20 November 2026 14:00 local, every target `--runs` times after one warm-up, and the p95 per query is
 * printed, slowest first. Scopes: "All" institutions on the programme and fleet-health dashboards, one
 * institution on every dashboard (the managers' dashboard offers nothing else), and the fleet-health
 * dashboard for all institutions over the last 7 days (its gateway panels then read the rollups before
 * the last 24 hours). For reference, the tank
 * chart is also timed on the raw minutes it read before it moved to the rollups.
 *
 *   npx tsx bench/dashboards.ts [--institutions 40] [--runs 20] [--max-ms 300]
 *
 * With --max-ms, exits 1 when the slowest p95 is over it.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { Point } from "@jisr/core";
import {
  addDays,
  daysBetween,
  encodePoints,
  HOUR_MS,
  localDay,
  localDayOf,
  localMonth,
  localMonthOf,
  MINUTE_MS,
} from "@jisr/core";
import { InfluxClient } from "@jisr/core/influx";
import { pino } from "pino";
import { fleetHealthDashboard } from "../dashboards/src/fleet-health.js";
import { institutionDashboard } from "../dashboards/src/institution.js";
import { interpolate } from "../dashboards/src/interpolate.js";
import type { Dashboard, Panel } from "../dashboards/src/model.js";
import { programmeDashboard } from "../dashboards/src/programme.js";
import { backfillDownsampling } from "../services/analytics/src/downsampling/backfill.js";
import { loadDownsampling } from "../services/analytics/src/downsampling/config.js";
import { setupDownsampling } from "../services/analytics/src/downsampling/setup.js";
import { ensurePackages } from "../test/servers/ensure-packages.js";
import { startInfluxd } from "../test/servers/influxd.js";
import { institutionId, yearOfResults } from "./analytics-data.js";
import { loadInflux } from "./analytics-load.js";

const { values: args } = parseArgs({
  options: {
    institutions: { type: "string", default: "40" },
    runs: { type: "string", default: "20" },
    "max-ms": { type: "string" },
  },
});
const N = Number(args.institutions);
const RUNS = Number(args.runs);
const MAX_MS = args["max-ms"] === undefined ? undefined : Number(args["max-ms"]);
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(RUNS) || RUNS < 1)
  throw new Error("bench: --institutions and --runs must be whole numbers ≥ 1");

const TZ = "Africa/Casablanca";
const NOW = Date.parse("2026-11-20T14:00:00+01:00");
const RAW_DAYS = 8;
const logger = pino({ level: "silent" });
const DAY_MS = 24 * HOUR_MS;

async function writeAll(client: InfluxClient, points: Point[]): Promise<void> {
  for (let k = 0; k < points.length; k += 5000)
    await client.write(encodePoints(points.slice(k, k + 5000), "ms"), "ms");
}

/** Gateway health every minute of [from, to); device health and the inverter's state from `recent` on. */
function fleetPoints(i: number, from: number, to: number, recent: number): Point[] {
  const institution = institutionId(i);
  const points: Point[] = [];
  for (let t = from; t < to; t += MINUTE_MS) {
    const minute = (t - from) / MINUTE_MS;
    points.push({
      measurement: "gateway_health",
      tags: { institution, device: "gateway-1" },
      fields: {
        queue_points: minute % 97,
        oldest_queued_age_s: minute % 13,
        dropped_points_total: Math.floor(minute / 500),
        devices_offline: minute % 400 === 0 ? 1 : 0,
        uptime_s: minute * 60,
      },
      time: t,
    });
    if (t < recent) continue;
    points.push(
      {
        measurement: "pv_inverter",
        tags: { institution, device: "inverter-1" },
        fields: {
          state: minute % 600 < 500 ? "MPPT" : "SLEEPING",
          events: minute % 720 === 5 ? "GROUND_FAULT" : "",
        },
        time: t,
      },
      ...["inverter-1", "grid-meter-1", "swh-1"].map((device) => ({
        measurement: "device_health",
        tags: { institution, device },
        fields: {
          online: true,
          last_success_age_s: minute % 50,
          errors_total: Math.floor(minute / 300),
          last_error: "",
        },
        time: t,
      })),
    );
  }
  return points;
}

async function load(client: InfluxClient): Promise<void> {
  const rawFrom = NOW - RAW_DAYS * DAY_MS;
  const readings = await loadInflux(client, {
    institutions: N,
    from: rawFrom,
    to: NOW,
    late: { from: 0, to: 0 },
    progress: (done) => process.stderr.write(`\rraw readings: ${done}/${N} institutions`),
  });
  let raw = readings.points;
  process.stderr.write("\n");
  for (let i = 0; i < N; i++) {
    const fleet = fleetPoints(i, rawFrom, NOW, NOW - DAY_MS);
    await writeAll(client, fleet);
    raw += fleet.length;
    process.stderr.write(
      `\rhealth: ${i + 1}/${N} institutions, ${raw.toLocaleString("en")} raw points in all`,
    );
  }
  process.stderr.write(`\n(raw readings loaded in ${(readings.ms / 1000).toFixed(1)} s)\n`);
  const config = loadDownsampling();
  await setupDownsampling({ client, config, logger });
  const rolled = await backfillDownsampling({ client, config, from: rawFrom, to: NOW, logger });
  const month = localMonthOf(NOW, TZ);
  const days = daysBetween(addDays(`${month}-01`, -365), localDayOf(NOW, TZ)).map(
    (d) => localDay(d, TZ).from,
  );
  const results = yearOfResults(N, days);
  await writeAll(client, results);
  process.stderr.write(
    `rollups (rp_1h): ${rolled.reduce((n, r) => n + r.written, 0).toLocaleString("en")} points; ` +
      `daily results: ${results.length.toLocaleString("en")} points (${days.length} days)\n`,
  );
}

/** Grafana's ranges: `now-7d`, `now-24h`, `now/d`, `now/M` (local days and months), `15m`, `1h`. */
function range(spec: string, end: "from" | "to"): number {
  if (spec === "now") return NOW;
  if (spec === "now/d") return end === "from" ? localDay(localDayOf(NOW, TZ), TZ).from : NOW;
  if (spec === "now/M") {
    const m = localMonth(localMonthOf(NOW, TZ), TZ);
    return end === "from" ? m.from : m.to - 1;
  }
  const m = /^(?:now-)?(\d+)([mhd])$/.exec(spec);
  if (!m) throw new Error(`bench: unknown range "${spec}"`);
  const unit = { m: MINUTE_MS, h: HOUR_MS, d: DAY_MS }[m[2] as "m" | "h" | "d"];
  return NOW - Number(m[1]) * unit;
}

/** Grafana's roundInterval (public/app/core/utils/kbn / rangeutil): [below this, use that], in ms. */
const ROUND: ReadonlyArray<[number, number]> = [
  [1500, 1000],
  [3500, 2000],
  [7500, 5000],
  [12500, 10_000],
  [17500, 15_000],
  [25000, 20_000],
  [45000, 30_000],
  [75000, 60_000],
  [105_000, 90_000],
  [150_000, 120_000],
  [270_000, 240_000],
  [450_000, 300_000],
  [750_000, 600_000],
  [1_050_000, 900_000],
  [1_500_000, 1_200_000],
  [2_700_000, 1_800_000],
  [5_400_000, 3_600_000],
  [9_000_000, 7_200_000],
  [16_200_000, 10_800_000],
  [32_400_000, 21_600_000],
  [86_400_000, 43_200_000],
  [604_800_000, 86_400_000],
];

/** Grafana's $__interval: the range over ~1000 points (a panel's width), rounded, at least the panel's min. */
function intervalOf(panel: Panel, from: number, to: number): number {
  const raw = (to - from) / 1000;
  const rounded = ROUND.find(([below]) => raw < below)?.[1] ?? 604_800_000;
  const min = panel.interval ? NOW - range(panel.interval, "from") : 0;
  return Math.max(rounded, min);
}

interface Timing {
  dashboard: string;
  panel: string;
  refId: string;
  scope: string;
  p50: number;
  p95: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;

async function timeQuery(client: InfluxClient, q: string): Promise<{ p50: number; p95: number }> {
  await client.query(q); // warm-up: the first read of a shard pays for loading its index
  const ms: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const started = performance.now();
    const [result] = await client.query(q);
    if (result?.partial) throw new Error(`bench: partial result for ${q}`);
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95) };
}

async function timeDashboard(
  client: InfluxClient,
  d: Dashboard,
  institutions: string[],
  scope: string,
  /** The range picked instead of the dashboard's default, e.g. `now-7d`. */
  picked?: string,
): Promise<Timing[]> {
  const out: Timing[] = [];
  for (const panel of d.panels) {
    const from = panel.timeFrom ? range(panel.timeFrom, "from") : range(picked ?? d.time.from, "from");
    const to = panel.timeFrom ? NOW : range(d.time.to, "to");
    for (const t of panel.targets) {
      const q = interpolate(t.query, {
        from,
        to,
        intervalMs: intervalOf(panel, from, to),
        variables: { institution: institutions, silence_minutes: ["15"] },
        multi: new Set(d.templating.list.filter((v) => v.multi || v.includeAll).map((v) => v.name)),
      });
      out.push({
        dashboard: d.uid,
        panel: panel.title,
        refId: t.refId,
        scope,
        ...(await timeQuery(client, q)),
      });
    }
  }
  return out;
}

async function main(): Promise<void> {
  ensurePackages();
  const influxd = await startInfluxd();
  try {
    const client = new InfluxClient({
      url: influxd.url,
      database: "bench_dashboards",
      logger,
      timeoutMs: 120_000,
    });
    await client.createDatabase();
    await load(client);
    const all = Array.from({ length: N }, (_, i) => institutionId(i));
    const one = [institutionId(0)];
    const timings: Timing[] = [];
    const loadAt = () =>
      loadavg()
        .map((l) => l.toFixed(1))
        .join(" / ");
    const loadBefore = loadAt();
    for (const d of [programmeDashboard(), fleetHealthDashboard()]) {
      timings.push(...(await timeDashboard(client, d, all, `All ${N}`)));
      timings.push(...(await timeDashboard(client, d, one, "one")));
    }
    timings.push(...(await timeDashboard(client, institutionDashboard(), one, "one")));
    timings.push(...(await timeDashboard(client, fleetHealthDashboard(), all, `All ${N}, 7 days`, "now-7d")));

    // Before/after for the one panel moved from raw minutes to the rollups.
    const tank = institutionDashboard().panels.find((p) =>
      p.targets[0]?.query.includes('"rp_1h"."hot_water"'),
    );
    const reference: string[] = [];
    if (tank?.targets[0]) {
      for (const [name, from] of [
        ["rollups", '"rp_1h"."hot_water"'],
        ["raw minutes", '"hot_water"'],
      ] as const) {
        const q = interpolate(tank.targets[0].query.replace('"rp_1h"."hot_water"', from), {
          from: NOW - 7 * DAY_MS,
          to: NOW,
          intervalMs: name === "rollups" ? HOUR_MS : 10 * MINUTE_MS,
          variables: { institution: all },
          multi: new Set(["institution"]),
        });
        const { p95 } = await timeQuery(client, q);
        reference.push(
          `| ${tank.title}, 7 days, All ${N} (as before: multi-value) | ${name} | ${p95.toFixed(1)} ms |`,
        );
      }
    }

    timings.sort((a, b) => b.p95 - a.p95);
    const lines = [
      `\nGrafana panel queries, ${N} institutions, p50/p95 over ${RUNS} runs each (after one warm-up), slowest first; load average (1 / 5 / 15 min) ${loadBefore} before the timings, ${loadAt()} after:`,
      "| dashboard | panel | query | institutions | p50 | p95 |",
      "|---|---|---|---|---:|---:|",
      ...timings.map(
        (t) =>
          `| ${t.dashboard} | ${t.panel} | ${t.refId} | ${t.scope} | ${t.p50.toFixed(1)} ms | ${t.p95.toFixed(1)} ms |`,
      ),
      "",
      "| reference | reads | p95 |",
      "|---|---|---:|",
      ...reference,
    ];
    const slowest = timings[0] as Timing;
    lines.push("", "Slowest p95 per scope:");
    for (const scope of new Set(timings.map((t) => t.scope))) {
      const t = timings.find((x) => x.scope === scope) as Timing;
      lines.push(`- ${scope}: ${t.p95.toFixed(1)} ms (${t.dashboard} / ${t.panel} ${t.refId})`);
    }
    lines.push(
      "",
      `Slowest p95: ${slowest.p95.toFixed(1)} ms (${slowest.dashboard} / ${slowest.panel} ${slowest.refId}, ${slowest.scope}); ` +
        `${timings.length} queries timed.`,
    );
    process.stdout.write(`${lines.join("\n")}\n`);
    if (MAX_MS !== undefined && slowest.p95 > MAX_MS) {
      process.stderr.write(`bench: slowest p95 ${slowest.p95.toFixed(1)} ms is over --max-ms ${MAX_MS}\n`);
      process.exitCode = 1;
    }
  } finally {
    await influxd.stop();
  }
}

await main();

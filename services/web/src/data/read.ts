/**
 * Reads through the Store interface (InfluxDB or SQLite), never a database directly. Two kinds:
 *
 * - the analytics results (docs/analytics-results.md): one point per institution and local day or month,
 *   at the UTC instant of local midnight. Morocco's offsets are whole hours, so one-hour buckets (aligned
 *   on the epoch, as GROUP BY time()) hold exactly one result point each, at the point's own time;
 * - the raw readings (`pv_inverter`, `hot_water`), per device, in 15-minute buckets for the charts.
 */
import { HOUR_MS, MINUTE_MS } from "@jisr/core";
import type { Store } from "@jisr/core/store";

export const BUCKET_MS = 15 * MINUTE_MS;

/** institution → point time → field → value. */
export type ResultTable = Map<string, Map<number, Record<string, number>>>;

/** Which institutions to read: one (filtered in the query) or several (grouped, then kept). */
export type Scope = { one: string } | { some: ReadonlySet<string> };

const whereOf = (scope: Scope) => ("one" in scope ? { where: { institution: scope.one } } : {});
const keeps = (scope: Scope, id: string) => ("one" in scope ? scope.one === id : scope.some.has(id));

export async function readResults(
  store: Store,
  measurement: string,
  fields: readonly string[],
  from: number,
  to: number,
  scope: Scope,
): Promise<ResultTable> {
  const table: ResultTable = new Map();
  const answers = await Promise.all(
    fields.map((field) =>
      store.aggregate({
        measurement,
        field,
        fn: "last",
        from,
        to,
        everyMs: HOUR_MS,
        groupBy: ["institution"],
        ...whereOf(scope),
      }),
    ),
  );
  for (const [i, series] of answers.entries()) {
    const field = fields[i] as string;
    for (const s of series) {
      const inst = s.tags.institution ?? ("one" in scope ? scope.one : "");
      if (!keeps(scope, inst)) continue;
      const byTime = table.get(inst) ?? new Map<number, Record<string, number>>();
      table.set(inst, byTime);
      for (const p of s.points) {
        const row = byTime.get(p.time) ?? {};
        row[field] = p.value;
        byTime.set(p.time, row);
      }
    }
  }
  return table;
}

/** One field of the result point at `time`, or null. */
export function resultAt(
  table: ResultTable,
  institution: string,
  time: number,
  field: string,
): number | null {
  return table.get(institution)?.get(time)?.[field] ?? null;
}

/** The latest value of a numeric field per institution, summed over its devices, within `lookbackMs`. */
export async function latestSum(
  store: Store,
  measurement: string,
  field: string,
  now: number,
  lookbackMs: number,
  scope: Scope,
): Promise<Map<string, { value: number; time: number }>> {
  const rows = await store.latest({
    measurement,
    groupBy: ["institution", "device"],
    lookbackMs,
    now,
    ...whereOf(scope),
  });
  const sums = new Map<string, { value: number; time: number }>();
  for (const row of rows) {
    const inst = row.tags.institution ?? "";
    const value = row.fields[field];
    if (!keeps(scope, inst) || typeof value !== "number" || row.time > now) continue;
    const sum = sums.get(inst) ?? { value: 0, time: row.time };
    sums.set(inst, { value: sum.value + value, time: Math.max(sum.time, row.time) });
  }
  return sums;
}

/** Latest value of a field per device of one institution. */
export async function latestByDevice(
  store: Store,
  measurement: string,
  field: string,
  institution: string,
  now: number,
  lookbackMs: number,
): Promise<Array<{ device: string; value: number; time: number }>> {
  const rows = await store.latest({
    measurement,
    where: { institution },
    groupBy: ["device"],
    lookbackMs,
    now,
  });
  return rows
    .filter((r) => typeof r.fields[field] === "number" && r.time <= now)
    .map((r) => ({ device: r.tags.device ?? "", value: r.fields[field] as number, time: r.time }))
    .sort((a, b) => a.device.localeCompare(b.device));
}

/** Per device, the 15-minute buckets of one field of one institution: `fn` within a bucket. */
export async function deviceBuckets(
  store: Store,
  measurement: string,
  field: string,
  fn: "mean" | "first" | "last",
  institution: string,
  from: number,
  to: number,
): Promise<Map<string, Array<{ time: number; value: number }>>> {
  const series = await store.aggregate({
    measurement,
    field,
    fn,
    from,
    to,
    everyMs: BUCKET_MS,
    where: { institution },
    groupBy: ["device"],
  });
  return new Map(series.map((s) => [s.tags.device ?? "", s.points]));
}

/** Buckets of several devices added up (a bucket missing for one device adds nothing for it). */
export function addUp(
  byDevice: Map<string, Array<{ time: number; value: number }>>,
): Array<{ time: number; value: number }> {
  const sums = new Map<number, number>();
  for (const points of byDevice.values())
    for (const p of points) sums.set(p.time, (sums.get(p.time) ?? 0) + p.value);
  return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([time, value]) => ({ time, value }));
}

/**
 * Energy today from the inverters' lifetime counters (Wh): per device, last minus first reading since
 * midnight. Used only while the analytics job has not written today's `energy_daily`; like the Grafana
 * panel, a counter reset within the day spoils it, which the job's own figure corrects.
 */
export async function counterRise(
  store: Store,
  institution: string,
  from: number,
  to: number,
): Promise<number | null> {
  const [firsts, lasts] = await Promise.all([
    deviceBuckets(store, "pv_inverter", "energy_wh", "first", institution, from, to),
    deviceBuckets(store, "pv_inverter", "energy_wh", "last", institution, from, to),
  ]);
  let total: number | null = null;
  for (const [device, points] of firsts) {
    const first = points[0]?.value;
    const last = lasts.get(device)?.at(-1)?.value;
    if (first === undefined || last === undefined) continue;
    total = (total ?? 0) + Math.max(0, last - first);
  }
  return total;
}

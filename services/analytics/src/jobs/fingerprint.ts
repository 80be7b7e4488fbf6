/**
 * Which local days received data since the last look. The Store keeps no arrival time, so the data is
 * summarised by how many raw readings each source (measurement, field and device) holds per hour: a gateway
 * replaying an outage adds readings, which changes the counts of the hours they belong to. Sources are kept
 * apart because each counter's gaps are its own: a grid meter silent for three days while the inverters
 * keep reporting has its own last reading before the gap, days back.
 * One query per source field for all institutions, so looking at ten days every few minutes stays cheap.
 */
import { HOUR_MS, localDayOf } from "@jisr/core";
import type { Store } from "@jisr/core/store";
import type { InstitutionsConfig } from "../config/load.js";
import { aggregateInChunks } from "./read-series.js";

/** institution → source ("measurement.field/device") → hour start (epoch ms) → raw readings in that hour. */
export type Fingerprints = Map<string, Map<string, Map<number, number>>>;

interface Source {
  measurement: string;
  field: string;
}

function sourcesOf(config: InstitutionsConfig): Source[] {
  const sources: Source[] = [];
  const add = (measurement: string, field: string) => {
    if (!sources.some((s) => s.measurement === measurement && s.field === field))
      sources.push({ measurement, field });
  };
  for (const inst of config.institutions) {
    if (inst.pv) add("pv_inverter", "energy_wh");
    if (inst.gridMeter) add("grid_meter", "energy_import_wh");
    if (inst.hotWater) add("hot_water", inst.hotWater.settings.outletField);
  }
  return sources;
}

/** Readings per source and hour over [from, to) (local midnights), per institution. */
export async function readingFingerprints(
  store: Store,
  config: InstitutionsConfig,
  from: number,
  to: number,
): Promise<Fingerprints> {
  const ids = new Set(config.institutions.map((i) => i.id));
  const out: Fingerprints = new Map();
  for (const src of sourcesOf(config)) {
    const series = await aggregateInChunks(
      store,
      { ...src, fn: "count", from, to, everyMs: HOUR_MS, groupBy: ["institution", "device"] },
      // Series are not known before the answer: assume a few devices per institution.
      ids.size * 4,
    );
    for (const s of series) {
      const institution = s.tags.institution ?? "";
      if (!ids.has(institution)) continue;
      const key = `${src.measurement}.${src.field}/${s.tags.device ?? ""}`;
      const sources = out.get(institution) ?? new Map<string, Map<number, number>>();
      out.set(institution, sources);
      const hours = sources.get(key) ?? new Map<number, number>();
      sources.set(key, hours);
      // An empty hour may come back as 0 or not at all: both mean no reading.
      for (const p of s.points) if (p.value > 0) hours.set(p.time, (hours.get(p.time) ?? 0) + p.value);
    }
  }
  return out;
}

/**
 * The first day to recompute for one institution (`days`: the window, oldest first), or undefined when
 * nothing changed. Per source, the first hour whose count changed: the energy up to its first new reading
 * is spread from the source's reading before, so when the day holds no earlier reading of that source the
 * recomputation starts at the source's last earlier day with readings (the start of its gap), or at the
 * window's first day when the window holds none.
 */
export function firstChangedDay(
  days: readonly string[],
  before: ReadonlyMap<string, ReadonlyMap<number, number>> | undefined,
  now: ReadonlyMap<string, ReadonlyMap<number, number>> | undefined,
  timeZone: string,
): string | undefined {
  let first: string | undefined;
  const keys = new Set([...(before?.keys() ?? []), ...(now?.keys() ?? [])]);
  for (const key of keys) {
    const was = before?.get(key);
    const is = now?.get(key);
    const hours = [...new Set([...(was?.keys() ?? []), ...(is?.keys() ?? [])])].sort((a, b) => a - b);
    const changed = hours.find((h) => (was?.get(h) ?? 0) !== (is?.get(h) ?? 0));
    if (changed === undefined) continue;
    const earlier = hours.filter((h) => h < changed && (is?.get(h) ?? 0) > 0).at(-1);
    // The day of the source's reading before the change: the same day, or the one where its gap starts.
    const from = earlier === undefined ? (days[0] as string) : localDayOf(earlier, timeZone);
    if (first === undefined || from < first) first = from;
  }
  return first;
}

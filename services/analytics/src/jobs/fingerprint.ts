/**
 * Which local days received data since the last look. The Store keeps no arrival time, so a day is
 * summarised by how many raw readings it holds per device (1-hour `count` buckets folded into local
 * days): a gateway replaying an outage adds readings, which changes the count of the days they belong to.
 * One query per source field for all institutions, so looking at ten days every few minutes stays cheap.
 */
import type { Store } from "@jisr/core/store/types";
import { HOUR_MS, localDayOf } from "@jisr/core/time/local-time";
import type { InstitutionsConfig } from "../config/load.js";
import { aggregateInChunks } from "./read-series.js";

/** institution → local day → a text that changes whenever the day's readings change in number. */
export type DayFingerprints = Map<string, Map<string, string>>;

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

/** Fingerprints of the local days in [from, to) (both local midnights). */
export async function dayFingerprints(
  store: Store,
  config: InstitutionsConfig,
  from: number,
  to: number,
): Promise<DayFingerprints> {
  const ids = new Set(config.institutions.map((i) => i.id));
  const counts = new Map<string, Map<string, Map<string, number>>>();
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
      const days = counts.get(institution) ?? new Map<string, Map<string, number>>();
      counts.set(institution, days);
      for (const p of s.points) {
        const day = localDayOf(p.time, config.timeZone);
        const perKey = days.get(day) ?? new Map<string, number>();
        days.set(day, perKey);
        perKey.set(key, (perKey.get(key) ?? 0) + p.value);
      }
    }
  }
  const out: DayFingerprints = new Map();
  for (const [institution, days] of counts) {
    const texts = new Map<string, string>();
    for (const [day, perKey] of days) {
      texts.set(
        day,
        [...perKey]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, n]) => `${k}=${n}`)
          .join(","),
      );
    }
    out.set(institution, texts);
  }
  return out;
}

/**
 * The first day to recompute for one institution: the earliest day whose fingerprint changed, moved back
 * to the last earlier day that holds readings, because energy across a gap is spread over the gap (a
 * reading that ends a gap changes the days the gap covers). Undefined when nothing changed.
 */
export function firstChangedDay(
  days: readonly string[],
  before: ReadonlyMap<string, string> | undefined,
  now: ReadonlyMap<string, string> | undefined,
): string | undefined {
  const changed = days.findIndex((d) => (before?.get(d) ?? "") !== (now?.get(d) ?? ""));
  if (changed < 0) return undefined;
  for (let i = changed - 1; i >= 0; i--) {
    if ((now?.get(days[i] as string) ?? "") !== "") return days[i];
  }
  return days[0];
}

/**
 * Where the programme's energy goes: each institution's flow over a day, week, month or year (the same
 * figures as its own page, data/energy.ts) and the programme's totals. Totals are the sums of the rows as
 * the API gives them (kWh at 3 decimals, MAD at 2), so a ministry analyst summing the column in a
 * spreadsheet finds the total; the shares are recomputed from the summed energies, over the institutions
 * that have both figures (a mean of percentages would weigh a small home like a large centre).
 */
import type { Store } from "@jisr/core/store";
import type { ProgrammeEnergyJson } from "../schemas/energy.js";
import type { Directory } from "./directory.js";
import { type Flow, flowFromSums, type PeriodKind, periodJson, rangeOf, sumsOf } from "./energy.js";
import { institutionJson } from "./summary.js";

type Totals = ProgrammeEnergyJson["totals"];
type AdditiveKey =
  | "pv_kwh"
  | "self_consumed_kwh"
  | "export_kwh"
  | "import_kwh"
  | "consumption_kwh"
  | "solar_heat_kwh"
  | "backup_heat_kwh"
  | "savings_mad"
  | "electricity_savings_mad";

const DIGITS: Record<AdditiveKey, number> = {
  pv_kwh: 3,
  self_consumed_kwh: 3,
  export_kwh: 3,
  import_kwh: 3,
  consumption_kwh: 3,
  solar_heat_kwh: 3,
  backup_heat_kwh: 3,
  savings_mad: 2,
  electricity_savings_mad: 2,
};

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** The sum of the known values of a column; null when no row has one. */
function sumColumn(flows: readonly Flow[], key: AdditiveKey): number | null {
  const known = flows.map((f) => f[key]).filter((x): x is number => x !== null);
  return known.length === 0
    ? null
    : round(
        known.reduce((a, b) => a + b, 0),
        DIGITS[key],
      );
}

/** part / whole × 100 over the rows that have both, at 1 decimal; null without any such row. */
function share(flows: readonly Flow[], part: AdditiveKey, whole: AdditiveKey | ((f: Flow) => number | null)) {
  let p = 0;
  let w = 0;
  let rows = 0;
  for (const f of flows) {
    const a = f[part];
    const b = typeof whole === "function" ? whole(f) : f[whole];
    if (a === null || b === null) continue;
    p += a;
    w += b;
    rows++;
  }
  return rows === 0 || w <= 0 ? null : round((p / w) * 100, 1);
}

/** The programme's totals from the rows (pure, so the rule is tested on its own). */
export function programmeTotals(flows: readonly Flow[]): Omit<Totals, "institutions" | "reporting"> {
  const additive = Object.fromEntries(
    (Object.keys(DIGITS) as AdditiveKey[]).map((k) => [k, sumColumn(flows, k)]),
  ) as Record<AdditiveKey, number | null>;
  return {
    ...additive,
    self_consumption_pct: share(flows, "self_consumed_kwh", "pv_kwh"),
    self_sufficiency_pct: share(flows, "self_consumed_kwh", "consumption_kwh"),
    solar_fraction_pct: share(flows, "solar_heat_kwh", (f) =>
      f.solar_heat_kwh === null || f.backup_heat_kwh === null ? null : f.solar_heat_kwh + f.backup_heat_kwh,
    ),
  };
}

export async function programmeEnergy(
  store: Store,
  dir: Directory,
  kind: PeriodKind,
  day: string,
): Promise<ProgrammeEnergyJson> {
  const tz = dir.timeZone;
  const r = rangeOf(kind, day, tz);
  const ids = dir.all.map((i) => i.id);
  const sums = await sumsOf(store, ids, r);
  const rows = dir.all.map((inst) => {
    const s = sums.get(inst.id);
    // sumsOf answers for every id it is given.
    if (!s) throw new Error(`no sums for ${inst.id}`);
    return { institution: institutionJson(inst), flow: flowFromSums(s) };
  });
  const flows = rows.map((x) => x.flow);
  return {
    period: periodJson(r, tz),
    institutions: rows,
    totals: {
      institutions: rows.length,
      reporting: flows.filter((f) => f.pv_kwh !== null).length,
      ...programmeTotals(flows),
    },
  };
}

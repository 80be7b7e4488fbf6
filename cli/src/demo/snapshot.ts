/**
 * What the demo prints: per institution, the latest power and lifetime energy as stored, and the energy
 * produced since the demo started (difference of the inverter's lifetime counter). Reading from the store
 * rather than from the simulators is the point: it proves the readings made the whole trip.
 */
import type { Store } from "@jisr/core/store";
import type { DemoInstitution } from "./institutions.js";

export interface InstitutionSnapshot {
  id: string;
  kwp: number;
  /** Latest stored AC power, W (null before the first reading arrives). */
  powerW: number | null;
  /** Energy since the first stored reading of this run, Wh. */
  energySinceStartWh: number | null;
  /** Lifetime energy counter, Wh. */
  lifetimeWh: number | null;
  state: string | null;
  /** Readings stored since the demo started. */
  readings: number;
  lastReadingAt: number | null;
  /** This month's electricity savings so far (the analytics job's savings_monthly), MAD. */
  savingsMonthMad: number | null;
  /** Today's hot-water availability (hot_water_daily), %. */
  hotWaterAvailabilityPct: number | null;
  /** Latest tank top temperature, °C. */
  tankTopC: number | null;
}

export async function takeSnapshot(
  store: Store,
  institutions: readonly DemoInstitution[],
  since: number,
  now = Date.now(),
): Promise<InstitutionSnapshot[]> {
  const latest = await store.latest({ measurement: "pv_inverter", groupBy: ["institution"], now: now + 1 });
  const latestOf = (measurement: string) =>
    store.latest({ measurement, groupBy: ["institution"], now: now + 1, lookbackMs: 32 * 86_400_000 });
  const [savings, hotWater, tanks] = await Promise.all([
    latestOf("savings_monthly"),
    latestOf("hot_water_daily"),
    latestOf("hot_water"),
  ]);
  const numberIn = (rows: typeof latest, id: string, field: string) => {
    const v = rows.find((r) => r.tags.institution === id)?.fields[field];
    return typeof v === "number" ? v : null;
  };
  const window = { measurement: "pv_inverter", from: since, to: now + 1, everyMs: now + 1 - since };
  const [firstEnergy, counts] = await Promise.all([
    store.aggregate({ ...window, field: "energy_wh", fn: "first", groupBy: ["institution"] }),
    store.aggregate({ ...window, field: "power_w", fn: "count", groupBy: ["institution"] }),
  ]);
  // Buckets are aligned on the epoch, so the window may span two: "first" is in the earliest, counts add up.
  const pointsOf = (series: typeof counts, id: string) =>
    series.find((s) => s.tags.institution === id)?.points ?? [];
  const firstOf = (id: string) => pointsOf(firstEnergy, id)[0]?.value ?? null;
  const countOf = (id: string) => pointsOf(counts, id).reduce((sum, p) => sum + p.value, 0);
  return institutions.map((inst) => {
    const row = latest.find((r) => r.tags.institution === inst.id && r.time >= since);
    const lifetime = typeof row?.fields.energy_wh === "number" ? row.fields.energy_wh : null;
    const first = firstOf(inst.id);
    return {
      id: inst.id,
      kwp: inst.kwp,
      powerW: typeof row?.fields.power_w === "number" ? row.fields.power_w : null,
      energySinceStartWh: lifetime !== null && first !== null ? lifetime - first : null,
      lifetimeWh: lifetime,
      state: typeof row?.fields.state === "string" ? row.fields.state : null,
      readings: countOf(inst.id),
      lastReadingAt: row?.time ?? null,
      savingsMonthMad: numberIn(savings, inst.id, "savings_mad"),
      hotWaterAvailabilityPct: numberIn(hotWater, inst.id, "availability_pct"),
      tankTopC: numberIn(tanks, inst.id, "tank_top_temperature_c"),
    };
  });
}

const dash = "—";

/** A fixed-width table for a terminal. */
export function formatSnapshot(rows: InstitutionSnapshot[]): string {
  const header = [
    "institution",
    "PV",
    "power now",
    "energy since start",
    "state",
    "saved this month",
    "tank",
    "hot water today",
    "readings",
  ];
  const body = rows.map((r) => [
    r.id,
    `${r.kwp} kWp`,
    r.powerW === null ? dash : `${(r.powerW / 1000).toFixed(2)} kW`,
    r.energySinceStartWh === null ? dash : `${(r.energySinceStartWh / 1000).toFixed(2)} kWh`,
    r.state ?? dash,
    r.savingsMonthMad === null ? dash : `${r.savingsMonthMad.toFixed(2)} MAD`,
    r.tankTopC === null ? dash : `${r.tankTopC.toFixed(1)} °C`,
    r.hotWaterAvailabilityPct === null ? dash : `${r.hotWaterAvailabilityPct.toFixed(0)} %`,
    String(r.readings),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ");
  return [line(header), ...body.map(line)].join("\n");
}

/**
 * What the demo prints: per institution, the latest power and lifetime energy as stored, and the energy
 * produced since the demo started (difference of the inverter's lifetime counter). Reading from the store
 * rather than from the simulators is the point: it proves the readings made the whole trip.
 */
import type { Store } from "@jisr/core/store/types";
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
}

export async function takeSnapshot(
  store: Store,
  institutions: readonly DemoInstitution[],
  since: number,
  now = Date.now(),
): Promise<InstitutionSnapshot[]> {
  const latest = await store.latest({ measurement: "pv_inverter", groupBy: ["institution"], now: now + 1 });
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
    };
  });
}

const dash = "—";

/** A fixed-width table for a terminal. */
export function formatSnapshot(rows: InstitutionSnapshot[]): string {
  const header = ["institution", "PV", "power now", "energy since start", "lifetime", "state", "readings"];
  const body = rows.map((r) => [
    r.id,
    `${r.kwp} kWp`,
    r.powerW === null ? dash : `${(r.powerW / 1000).toFixed(2)} kW`,
    r.energySinceStartWh === null ? dash : `${(r.energySinceStartWh / 1000).toFixed(2)} kWh`,
    r.lifetimeWh === null ? dash : `${(r.lifetimeWh / 1000).toFixed(1)} kWh`,
    r.state ?? dash,
    String(r.readings),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ");
  return [line(header), ...body.map(line)].join("\n");
}

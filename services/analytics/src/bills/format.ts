/** Plain-text reconciliation and savings of one institution, for `jisr bill reconcile`. */
import type { InstitutionBills } from "./service.js";

const mad = (x: number | null | undefined) => (x === undefined || x === null ? "—" : x.toFixed(2));
const signed = (x: number | undefined) => (x === undefined ? "—" : `${x > 0 ? "+" : ""}${x.toFixed(2)}`);

export function formatInstitutionBills(r: InstitutionBills): string {
  const out: string[] = [];
  out.push(`Reconciliation of ${r.institution} (tariff ${r.tariffId}), ${r.reconciliation.length} bill(s)`);
  if (r.reconciliation.length === 0) return `${out[0]}\nNo bill recorded (jisr bill add|import).`;
  out.push(`Assumptions: ${r.reconciliation[0]?.assumptions.join("; ")}`);
  for (const b of r.reconciliation) {
    out.push("");
    out.push(
      `${b.from}..${b.to} (${b.days} d, ${b.hours} h)${b.reference ? ` ${b.reference}` : ""}${b.estimated ? " ESTIMATED" : ""}  [${b.billId}]`,
    );
    out.push(
      `  kWh: billed ${b.kwh.billed}, metered ${b.kwh.metered ?? "—"}, diff ${b.kwh.diff ?? "—"}${b.kwh.diffPct !== undefined ? ` (${b.kwh.diffPct} %)` : ""}; grid meter ${b.kwh.meteredHours}/${b.hours} h, ${(b.kwh.completeness * 100).toFixed(1)} % of readings`,
    );
    for (const l of b.lines)
      out.push(
        `  ${l.kind.padEnd(10)} ${l.basis.toUpperCase().padEnd(3)} billed ${mad(l.billed).padStart(9)}  ours ${mad(l.predicted).padStart(9)}  diff ${signed(l.diff).padStart(8)}`,
      );
    if (b.predictedOnMetered)
      out.push(
        `  our tariff on our metered ${b.predictedOnMetered.kwh} kWh: ${mad(b.predictedOnMetered.ttc)} MAD TTC`,
      );
    for (const f of b.flags) out.push(`  ! ${f.code}: ${f.message}`);
  }
  const s = r.savings;
  out.push("");
  out.push(`Savings (${s.method})`);
  out.push(`  boundary: ${s.boundary}`);
  for (const m of s.meters)
    out.push(`  meter: ${m.role}: ${m.devices.join(", ") || "none"}, accuracy ±${m.accuracyClassPct} %`);
  out.push(
    `  priced with ${r.pricingTariff.id}${r.pricingTariff.confirmed ? " (reproduces every bill)" : " — NOT CONFIRMED by the bills"}`,
  );
  for (const p of s.periods)
    out.push(
      `  ${p.from}..${p.to}: consumption ${p.consumptionKwh} kWh (import ${p.importKwh} + PV on site ${p.selfKwh}), without solar ${mad(p.baselineTtc)} − ${p.actualBasis === "bill" ? "paid" : "PREDICTED"} ${mad(p.actualTtc)} = ${mad(p.savingsTtc)} MAD [${mad(p.band?.low)}, ${mad(p.band?.high)}], ${(p.completeness * 100).toFixed(1)} % of hours measured${p.marks.length ? `; ${p.marks.join("; ")}` : ""}`,
    );
  out.push(`  total: ${mad(s.total.savingsTtc)} MAD [${mad(s.total.band.low)}, ${mad(s.total.band.high)}]`);
  return out.join("\n");
}

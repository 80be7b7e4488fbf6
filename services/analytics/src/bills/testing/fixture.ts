/**
 * Hand-countable data for the bills tests. One institution, `site-b`, read every 15 minutes:
 * - the grid meter imports 1 kW at every instant: 1 kWh per hour of the period, whatever the clock does;
 * - the PV inverter makes 1 kW from 09:00 to 15:00 LOCAL time (6 kWh a local day), none exported, so the
 *   site uses it all: self-consumption = 6 kWh per local day.
 * Tariffs are written here, not read from the shipped files, so that a change of the shipped figures
 * never changes these hand-worked expectations.
 */
import type { Point } from "@jisr/core";
import { localParts, MINUTE_MS, MOROCCO_TZ } from "@jisr/core";
import { type InstitutionsConfig, parseInstitutions } from "../../config/load.js";
import { parseTariff } from "../../tariff/load.js";
import type { Tariff } from "../../tariff/schema.js";
import type { BillInput, StoredBill } from "../schema.js";

export const SITE = "site-b";
const STEP_MS = 15 * MINUTE_MS;

/** BT domestic as DOMAIN.md 1.1/1.3 gives it: brackets TTC, edges 210/310/510, fee 20.74 HT, TPPAN HT. */
export const DOMESTIC_YAML = `
id: test-domestic
name: Test BT domestic
kind: bt-domestic
vat: [{ from: "2017-01-01", rate_pct: 18 }, { from: "2026-01-01", rate_pct: 20 }]
energy:
  - from: "2017-01-01"
    basis: ttc
    progressive: [{ up_to_kwh: 100, price: 0.9010 }, { up_to_kwh: 150, price: 1.0732 }]
    selective:
      - { up_to_kwh: 210, price: 1.0732 }
      - { up_to_kwh: 310, price: 1.1676 }
      - { up_to_kwh: 510, price: 1.3817 }
      - { price: 1.5958 }
fixed_fees:
  - from: "2025-01-01"
    fees: [{ id: fixed-fee, label: { fr: Redevance fixe, en: Fixed fee }, amount: 20.74, basis: ht }]
tppan:
  - from: "2025-01-01"
    exempt_up_to_kwh: 200
    slices: [{ up_to_kwh: 100, price: 0.0847 }, { up_to_kwh: 200, price: 0.1271 }, { price: 0.1695 }]
`;

/** A professional tariff (the placeholder prices of bt-professional.example.yaml), progressive, no levy. */
export const PROFESSIONAL_YAML = `
id: test-professional
name: Test BT professional
kind: bt-professional
vat: [{ from: "2017-01-01", rate_pct: 20 }]
energy:
  - from: "2017-01-01"
    basis: ttc
    progressive: [{ up_to_kwh: 100, price: 1.4513 }, { up_to_kwh: 500, price: 1.5524 }, { price: 1.6712 }]
    selective: []
fixed_fees:
  - from: "2025-01-01"
    fees: [{ id: fixed-fee, label: { fr: Redevance fixe, en: Fixed fee }, amount: 20.74, basis: ht }]
`;

export const domestic = (): Tariff => parseTariff(DOMESTIC_YAML, "test-domestic.yaml");
export const professional = (): Tariff => parseTariff(PROFESSIONAL_YAML, "test-professional.yaml");

export function siteConfig(): InstitutionsConfig {
  const tariff = domestic();
  return parseInstitutions(
    `
reading_interval: 15m
institutions:
  ${SITE}:
    name: { fr: Site B, ar: الموقع ب }
    location: { commune: Ben Guerir, latitude: 32.23, longitude: -7.95 }
    tariff: test-domestic.yaml
    pv: { inverters: [inv-1], max_power_w: 5000, tolerance_wh: 1 }
    grid_meter: { device: meter-1, max_power_w: 5000, tolerance_wh: 1 }
`,
    { baseDir: "/", tariffs: () => tariff },
  );
}

/**
 * Readings every 15 minutes on [from, to) (UTC ms). `outage`: no grid-meter reading in [start, end).
 * The PV counter adds 250 Wh per 15 minutes whose start is between 09:00 and 15:00 local.
 */
export function sitePoints(from: number, to: number, outage?: [number, number]): Point[] {
  const points: Point[] = [];
  let pvWh = 2_000_000;
  for (let t = from; t < to; t += STEP_MS) {
    const tags = (device: string) => ({ institution: SITE, device });
    points.push({ measurement: "pv_inverter", tags: tags("inv-1"), fields: { energy_wh: pvWh }, time: t });
    if (!outage || t < outage[0] || t >= outage[1])
      points.push({
        measurement: "grid_meter",
        tags: tags("meter-1"),
        // 1 kW since `from`: (t − from) in hours × 1000 Wh.
        fields: { energy_import_wh: 5_000_000 + (t - from) / 3600, energy_export_wh: 40_000 },
        time: t,
      });
    const h = localParts(t, MOROCCO_TZ).hour;
    if (h >= 9 && h < 15) pvWh += 250;
  }
  return points;
}

let n = 0;
/** A stored bill as the store would return it (the tests of the pure code need no file). */
export function stored(bill: BillInput): StoredBill {
  n++;
  return { id: `bill_test${n}`, recorded_at: "2026-04-20T10:00:00.000Z", recorded_by: "test", bill };
}

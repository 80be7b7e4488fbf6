/**
 * Test tariffs and consumption builders, shared by the *.test.ts files of this folder. The tariffs hold
 * DOMAIN.md's figures inline (not the shipped files), so confirming a real bill in tariffs/*.yaml never
 * changes the arithmetic these tests check by hand.
 */
import { parseTariff } from "../load.js";
import type { HourlyKwh } from "../types.js";

const HOUR = 3_600_000;

/** `count` consecutive hourly samples of `kwh` each, the first starting at the UTC instant `startIso`. */
export function hours(startIso: string, count: number, kwh = 1): HourlyKwh[] {
  const t0 = Date.parse(startIso);
  return Array.from({ length: count }, (_, i) => ({ start: t0 + i * HOUR, kwh }));
}

const VAT = `
vat:
  - { from: "2017-01-01", rate_pct: 14 }
  - { from: "2024-01-01", rate_pct: 16 }
  - { from: "2025-01-01", rate_pct: 18 }
  - { from: "2026-01-01", rate_pct: 20 }`;

const FEE = `
fixed_fees:
  - from: "2025-01-01"
    fees:
      - { id: fixed-fee, label: { fr: Redevance fixe, en: Fixed fee }, amount: 20.74, basis: ht }`;

/** DOMAIN.md 1.1/1.3: TTC brackets 151-210/211-310/311-510/>510, fee 20.74 HT, TPPAN above 200 kWh. */
export const DOMESTIC_YAML = `
id: test-domestic
name: Test BT domestic (DOMAIN.md figures)
kind: bt-domestic
${VAT}
energy:
  - from: "2017-01-01"
    basis: ttc
    progressive:
      - { up_to_kwh: 100, price: 0.9010 }
      - { up_to_kwh: 150, price: 1.0732 }
    selective:
      - { up_to_kwh: 210, price: 1.0732 }
      - { up_to_kwh: 310, price: 1.1676 }
      - { up_to_kwh: 510, price: 1.3817 }
      - { price: 1.5958 }
${FEE}
tppan:
  - from: "2025-01-01"
    exempt_up_to_kwh: 200
    slices:
      - { up_to_kwh: 100, price: 0.0847 }
      - { up_to_kwh: 200, price: 0.1271 }
      - { price: 0.1695 }
export:
  prices:
    - { from: "2026-01-01", price: 0.50 }
`;

export const domestic = () => parseTariff(DOMESTIC_YAML, "domestic fixture");

/** Two-period: peak 18-23 GMT in summer (19-24 legal on GMT+1), prices TTC, fee only. */
export const TWO_PERIOD_YAML = `
id: test-two-period
name: Test BT two-period
kind: bt-two-period
${VAT}
periods:
  - from: "2017-01-01"
    clock: gmt
    seasons:
      - name: winter
        months: [10, 11, 12, 1, 2, 3]
        windows:
          - { period: peak, start: "17:00", end: "22:00" }
          - { period: normal, start: "22:00", end: "17:00" }
      - name: summer
        months: [4, 5, 6, 7, 8, 9]
        windows:
          - { period: peak, start: "18:00", end: "23:00" }
          - { period: normal, start: "23:00", end: "18:00" }
energy:
  - { from: "2017-01-01", basis: ttc, prices: { peak: 1.8263, normal: 1.0571 } }
${FEE}
`;

export const twoPeriod = () => parseTariff(TWO_PERIOD_YAML, "two-period fixture");

/** MT: winter peak 17-22, full 07-17, off-peak 22-07 (on `clock`), prices HT, 63 kVA at 437.50/kVA/yr. */
export function mtYaml(clock: "gmt" | "legal"): string {
  return `
id: test-mt
name: Test MT
kind: mt
${VAT}
periods:
  - from: "2017-01-01"
    clock: ${clock}
    seasons:
      - name: winter
        months: [10, 11, 12, 1, 2, 3]
        windows:
          - { period: off_peak, start: "22:00", end: "07:00" }
          - { period: full, start: "07:00", end: "17:00" }
          - { period: peak, start: "17:00", end: "22:00" }
      - name: summer
        months: [4, 5, 6, 7, 8, 9]
        windows:
          - { period: off_peak, start: "23:00", end: "07:00" }
          - { period: full, start: "07:00", end: "18:00" }
          - { period: peak, start: "18:00", end: "23:00" }
energy:
  - { from: "2017-01-01", basis: ht, prices: { peak: 1.5431, full: 1.0267, off_peak: 0.6983 } }
power_charge:
  - { from: "2017-01-01", basis: ht, mad_per_kva_year: 437.5 }
subscribed_power:
  - { from: "2017-01-01", kva: 63 }
`;
}

export const mt = (clock: "gmt" | "legal" = "gmt") => parseTariff(mtYaml(clock), `mt fixture (${clock})`);

/**
 * A synthetic institution whose results can be worked out by hand, for the job's tests (and the bench).
 * Local hours (Africa/Casablanca), every minute, every day:
 * - PV: 1000 W from 08:00 to 16:00 → 8000 Wh a day;
 * - the site uses 700 W all day: 700 W imported outside PV hours (16 h → 11 200 Wh), and during PV hours
 *   nothing imported and 300 W exported (8 h → 2400 Wh);
 * - the solar water heater's controller counts 500 W of solar heat from 10:00 to 14:00 → 2000 Wh; its
 *   outlet is at 50 °C all the time.
 * Counters are lifetime counters in Wh, started at arbitrary values.
 */
import type { Point } from "@jisr/core";
import { localParts, MINUTE_MS, MOROCCO_TZ } from "@jisr/core";
import { type InstitutionsConfig, parseInstitutions } from "../../config/load.js";
import { parseTariff } from "../../tariff/load.js";

export const SITE = "site-a";

/**
 * A tariff for the tests only, kept here so that prices the tariff helper's files change never change
 * these expectations: BT domestic brackets of DOMAIN.md 1.1 (TTC), no fee, no levy, exports paid
 * 0.50 MAD/kWh (up to the 20 % cap).
 */
export const TEST_TARIFF = `
id: test-bt
name: Test BT domestic
kind: bt-domestic
time_zone: Africa/Casablanca
kwh_decimals: 0
vat: [{ from: "2017-01-01", rate_pct: 20 }]
energy:
  - from: "2017-01-01"
    basis: ttc
    progressive: [{ up_to_kwh: 100, price: 0.9010 }, { up_to_kwh: 150, price: 1.0732 }]
    selective:
      - { up_to_kwh: 210, price: 1.0732 }
      - { up_to_kwh: 310, price: 1.1676 }
      - { up_to_kwh: 510, price: 1.3817 }
      - { price: 1.5958 }
export:
  prices: [{ from: "2017-01-01", price: 0.5 }]
`;

export function fixtureConfig(extra = ""): InstitutionsConfig {
  const tariff = parseTariff(TEST_TARIFF, "test-bt.yaml");
  return parseInstitutions(
    `
co2: { grid_factor_kg_per_kwh: 0.7, source: test }
institutions:
  ${SITE}:
    name: { fr: Site A, ar: الموقع أ }
    location: { commune: Ben Guerir, latitude: 32.23, longitude: -7.95 }
    tariff: test-bt.yaml
    pv: { inverters: [inv-1], max_power_w: 2000, tolerance_wh: 1 }
    grid_meter: { device: meter-1, max_power_w: 5000, tolerance_wh: 1 }
    hot_water:
      devices: [swh-1]
      settings: { backup: { kind: electric } }
${extra}`,
    { baseDir: "/", tariffs: () => tariff },
  );
}

export interface FixtureOptions {
  /** Readings on the minutes [from, to) (UTC ms, whole minutes). */
  from: number;
  to: number;
  /** A PV counter glitch (a reading of 10^9 Wh) at this minute. */
  spikeAt?: number;
  /** The PV counter restarts from 0 at this minute (a night-time inverter reset). */
  pvResetAt?: number;
  /** No reading at all in [start, end): an outage of the gateway. */
  outage?: [number, number];
}

interface Minutes {
  pv: number;
  heat: number;
  import: number;
}

/** Whole minutes of PV, solar heat and import since `base` up to `t` (counters = minutes × power). */
function minutesAt(t: number, base: number): Minutes {
  const days = Math.floor((t - base) / 86_400_000);
  // A whole local day holds 480 PV minutes, 240 heat minutes and 960 import minutes.
  let m: Minutes = { pv: days * 480, heat: days * 240, import: days * 960 };
  for (let at = base + days * 86_400_000; at < t; at += MINUTE_MS) m = next(m, at);
  return m;
}

/** The minute counts after the minute starting at `t`. */
function next(m: Minutes, t: number): Minutes {
  const h = localParts(t, MOROCCO_TZ).hour;
  const pvOn = h >= 8 && h < 16;
  return {
    pv: m.pv + (pvOn ? 1 : 0),
    heat: m.heat + (h >= 10 && h < 14 ? 1 : 0),
    import: m.import + (pvOn ? 0 : 1),
  };
}

/**
 * The fixture's raw points, one per device per minute. `base` is a local midnight before `from` whose
 * days all have 24 h (the whole-day shortcut counts 1440 minutes a day).
 */
export function fixturePoints(o: FixtureOptions, base: number): Point[] {
  const points: Point[] = [];
  const tags = (device: string) => ({ institution: SITE, device });
  let m = minutesAt(o.from, base);
  // Before a reset the PV counter reads 1 000 000 Wh + its energy; from the reset on, energy since then.
  let pvOffset = -1_000_000;
  for (let t = o.from; t < o.to; m = next(m, t), t += MINUTE_MS) {
    const pvWh = (m.pv * 1000) / 60;
    if (o.pvResetAt !== undefined && t >= o.pvResetAt && pvOffset < 0) pvOffset = pvWh;
    if (o.outage && t >= o.outage[0] && t < o.outage[1]) continue;
    const pv = t === o.spikeAt ? 1e9 : pvWh - pvOffset;
    points.push({
      measurement: "pv_inverter",
      tags: tags("inv-1"),
      fields: { energy_wh: pv, power_w: 0 },
      time: t,
    });
    points.push({
      measurement: "grid_meter",
      tags: tags("meter-1"),
      fields: {
        energy_import_wh: 5_000_000 + (m.import * 700) / 60,
        energy_export_wh: 10_000 + (m.pv * 300) / 60,
      },
      time: t,
    });
    points.push({
      measurement: "hot_water",
      tags: tags("swh-1"),
      fields: { outlet_temperature_c: 50, heat_energy_wh: 20_000 + (m.heat * 500) / 60 },
      time: t,
    });
  }
  return points;
}

import type { Point } from "@jisr/core";

/**
 * One realistic inverter reading (10 fields, as a gateway queues it), the `n`-th of a run: the shape the
 * ingestion benches post and the byte-scan tests check, so that a test takes what a bench measures.
 */
export function inverterReading(institution: string, device: string, n: number, time: number): Point {
  return {
    measurement: "pv_inverter",
    tags: { institution, device },
    fields: {
      power_w: 4000 + (n % 997),
      energy_wh: 1_000_000 + n,
      ac_current_a: 6.1,
      ac_voltage_v: 231.4,
      frequency_hz: 50.01,
      dc_power_w: 4150.5,
      dc_voltage_v: 612.3,
      dc_current_a: 6.78,
      cabinet_temperature_c: 41.2,
      state: "MPPT",
    },
    time,
  };
}

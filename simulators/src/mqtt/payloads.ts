// Payloads exactly as the devices publish them (key names, units, rounding), from their documentation:
// Shelly Gen2 component status (shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/{Switch,EM,EMData}),
// Tasmota tele/<topic>/SENSOR (tasmota.github.io/docs/MQTT), OpenDTU per-value topics
// (github.com/tbnobody/OpenDTU/blob/master/docs/MQTT_Topics.md). Pure functions.
import type { AcReading, PvReading } from "./model.js";

const round = (x: number, decimals: number) => Number(x.toFixed(decimals));

/** Switch.GetStatus of a Plus 1PM (switch:0), energy in Wh. */
export function shellySwitchStatus(r: AcReading, energyWh: number, returnedWh: number, simMs: number) {
  const minuteTs = Math.floor(simMs / 60_000) * 60;
  return {
    id: 0,
    source: "init",
    output: true,
    apower: round(r.powerW, 1),
    voltage: round(r.voltageV, 1),
    freq: round(r.frequencyHz, 1),
    current: round(r.currentA, 3),
    pf: round(r.powerFactor, 2),
    aenergy: { total: round(energyWh, 3), by_minute: [0, 0, 0], minute_ts: minuteTs },
    ret_aenergy: { total: round(returnedWh, 3), by_minute: [0, 0, 0], minute_ts: minuteTs },
    temperature: { tC: round(r.temperatureC, 1), tF: round((r.temperatureC * 9) / 5 + 32, 1) },
  };
}

export interface PhaseReading extends AcReading {
  apparentPowerVa: number;
}

/** EM.GetStatus of a Pro 3EM (em:0): three phases a, b, c; power negative when exporting. */
export function shellyEmStatus(phases: readonly [PhaseReading, PhaseReading, PhaseReading]) {
  const out: Record<string, unknown> = { id: 0 };
  phases.forEach((p, i) => {
    const k = "abc"[i];
    out[`${k}_current`] = round(p.currentA, 3);
    out[`${k}_voltage`] = round(p.voltageV, 1);
    out[`${k}_act_power`] = round(p.powerW, 1);
    out[`${k}_aprt_power`] = round(p.apparentPowerVa, 1);
    out[`${k}_pf`] = round(p.powerFactor, 2);
    out[`${k}_freq`] = round(p.frequencyHz, 1);
  });
  const sum = (f: (p: PhaseReading) => number) => phases.reduce((a, p) => a + f(p), 0);
  return {
    ...out,
    n_current: null,
    total_current: round(
      sum((p) => p.currentA),
      3,
    ),
    total_act_power: round(
      sum((p) => p.powerW),
      3,
    ),
    total_aprt_power: round(
      sum((p) => p.apparentPowerVa),
      3,
    ),
    user_calibrated_phase: [],
  };
}

/** EMData.GetStatus (emdata:0): per-phase and total counters, Wh (not kWh: evcc-io/evcc#7335). */
export function shellyEmDataStatus(importWh: readonly number[], exportWh: readonly number[]) {
  const out: Record<string, unknown> = { id: 0 };
  ["a", "b", "c"].forEach((k, i) => {
    out[`${k}_total_act_energy`] = round(importWh[i] ?? 0, 2);
    out[`${k}_total_act_ret_energy`] = round(exportWh[i] ?? 0, 2);
  });
  const total = (xs: readonly number[]) =>
    round(
      xs.reduce((a, b) => a + b, 0),
      2,
    );
  return { ...out, total_act: total(importWh), total_act_ret: total(exportWh) };
}

/** tele/<topic>/SENSOR: local time without a zone, energies in kWh, Power/Voltage as integers. */
export function tasmotaSensor(
  r: AcReading,
  totalWh: number,
  todayWh: number,
  yesterdayWh: number,
  localTime: string,
) {
  const apparent = r.powerW / Math.max(r.powerFactor, 0.01);
  return {
    Time: localTime,
    ENERGY: {
      TotalStartTime: "2025-03-14T09:12:33",
      Total: round(totalWh / 1000, 3),
      Yesterday: round(yesterdayWh / 1000, 3),
      Today: round(todayWh / 1000, 3),
      Period: 0,
      Power: Math.round(r.powerW),
      ApparentPower: Math.round(apparent),
      ReactivePower: Math.round(Math.sqrt(Math.max(apparent ** 2 - r.powerW ** 2, 0))),
      Factor: round(r.powerFactor, 2),
      Voltage: Math.round(r.voltageV),
      Current: round(r.currentA, 3),
    },
  };
}

/** The topics (relative to <base>/<serial>) and plain-text values OpenDTU publishes after one poll. */
export function opendtuMessages(
  r: PvReading,
  yieldTotalWh: number,
  yieldDayWh: number,
  inputsTotalWh: readonly number[],
) {
  const messages: Array<[string, string]> = [
    ["status/reachable", r.producing ? "1" : "0"],
    ["status/producing", r.producing ? "1" : "0"],
  ];
  // A sleeping micro-inverter answers nothing: OpenDTU publishes only its status.
  if (!r.producing) return messages;
  const dcW = r.dcInputsW.reduce((a, b) => a + b, 0);
  messages.push(
    ["0/power", r.powerW.toFixed(1)],
    ["0/powerdc", dcW.toFixed(1)],
    ["0/yieldtotal", (yieldTotalWh / 1000).toFixed(3)],
    ["0/yieldday", yieldDayWh.toFixed(0)],
    ["0/voltage", r.voltageV.toFixed(1)],
    ["0/current", r.currentA.toFixed(2)],
    ["0/frequency", r.frequencyHz.toFixed(2)],
    ["0/powerfactor", r.powerFactor.toFixed(3)],
    ["0/temperature", r.temperatureC.toFixed(1)],
    ["0/efficiency", (dcW > 0 ? (100 * r.powerW) / dcW : 0).toFixed(3)],
  );
  r.dcInputsW.forEach((w, i) => {
    const v = r.dcInputsV[i] ?? 0;
    const ch = String(i + 1);
    messages.push(
      [`${ch}/power`, w.toFixed(1)],
      [`${ch}/voltage`, v.toFixed(1)],
      [`${ch}/current`, (v > 0 ? w / v : 0).toFixed(2)],
      [`${ch}/yieldtotal`, ((inputsTotalWh[i] ?? 0) / 1000).toFixed(3)],
    );
  });
  return messages;
}

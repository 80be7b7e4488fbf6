/**
 * One MPPT input (pv_mppt, tag mppt) or string (pv_string, tag string) well below its siblings on the same
 * inverter (DOMAIN.md §5.1: group comparison; a failed string moves plant PR by < 0.3 pp, so only this
 * comparison sees it). Per bucket of bright time, each input's power per kWp is divided by the median of
 * its siblings'; the input's figure is the median of those ratios over the window, which shrugs off a
 * passing cloud or an hour of shade. ≈ 0 is failed (open string, fuse, connector), below the degraded
 * threshold is degraded (bypass diode, shading, a failing module). Siblings are assumed to share tilt and
 * orientation; list `inputs` with their kWp in the site when they differ in size or one is unused.
 */
import type { RulesConfig } from "../config/schema.js";
import { mean, median, num, readingsOf, series, within } from "../lib/readings.js";
import { ev, makeResult, okResult, round } from "../lib/result.js";
import { arrayOf, clearSkyAcW } from "../lib/solar.js";
import type { Evidence, InverterInfo, Reading, RuleInput, RuleResult } from "../types.js";

const KINDS = [
  { measurement: "pv_mppt", tag: "mppt" },
  { measurement: "pv_string", tag: "string" },
] as const;

interface InputVerdict {
  name: string;
  ratio: number;
  status: "ok" | "degraded" | "failed";
}

export function pvInputMismatch(input: RuleInput, config: RulesConfig): RuleResult[] {
  const c = config.pv_input_mismatch;
  if (!c.enabled) return [];
  const out: RuleResult[] = [];
  for (const [id, info] of Object.entries(input.site.inverters)) {
    const perKind = KINDS.map((k) => compare(input, config, id, info, k.measurement, k.tag));
    if (perKind.every((v) => v === undefined)) continue;
    const verdicts = perKind.flatMap((v) => v ?? []);
    const evidence: Record<string, Evidence> = { window_h: ev(c.window_h, "h", 0) };
    for (const v of verdicts) evidence[`${v.name.replace(" ", "_")}_ratio_pct`] = ev(100 * v.ratio, "%", 0);
    const weak = verdicts.filter((v) => v.status !== "ok");
    if (weak.length === 0) {
      out.push(okResult(input, "pv_input_mismatch", id, c.degraded_severity, evidence));
      continue;
    }
    const failed = weak.some((v) => v.status === "failed");
    evidence.weak_inputs = ev(weak.map((v) => `${v.name}: ${v.status} (${Math.round(100 * v.ratio)} %)`));
    out.push(
      makeResult(input, "pv_input_mismatch", {
        device: id,
        severity: failed ? c.failed_severity : c.degraded_severity,
        active: true,
        variant: failed ? "failed" : "degraded",
        evidence,
        action: failed ? "check_string_fuses_and_connectors" : "inspect_string_shading_and_bypass_diodes",
        params: {
          inputs: weak.map((v) => v.name).join(", "),
          ratio_pct: round(100 * Math.min(...weak.map((v) => v.ratio)), 0),
        },
      }),
    );
  }
  return out;
}

/** Verdicts of one kind of input; undefined when there are too few inputs or bright buckets to judge. */
function compare(
  input: RuleInput,
  config: RulesConfig,
  id: string,
  info: InverterInfo,
  measurement: string,
  tag: string,
): InputVerdict[] | undefined {
  const c = config.pv_input_mismatch;
  const from = input.now - c.window_h * 3_600_000;
  const bucketMs = c.bucket_min * 60_000;
  const readings = within(readingsOf(input.readings, measurement, id), from, input.now);
  const listed = info.inputs ? Object.keys(info.inputs) : undefined;
  const inputs = listed ?? [...new Set(readings.flatMap((r) => r.tags[tag] ?? []))].sort();
  if (inputs.length < 2) return undefined;
  const buckets = bucketPower(readings, tag, from, bucketMs);
  const bright = brightBuckets(input, config, id, info, from, bucketMs);
  const ratios = new Map<string, number[]>(inputs.map((k) => [k, []]));
  for (const [b, powers] of buckets) {
    if (!bright(b)) continue;
    const perKwp = inputs.map((k) => (powers.get(k) ?? Number.NaN) / (info.inputs?.[k] ?? 1));
    if (perKwp.some((p) => Number.isNaN(p))) continue;
    perKwp.forEach((p, i) => {
      const siblings = median(perKwp.filter((_, j) => j !== i)) ?? 0;
      if (siblings > 0) ratios.get(inputs[i] as string)?.push(p / siblings);
    });
  }
  const verdicts: InputVerdict[] = [];
  for (const k of inputs) {
    const rs = ratios.get(k) ?? [];
    // No ratio for an input whose siblings all gave 0 (two inputs, the other dead): no verdict on it.
    if (rs.length < c.min_buckets) continue;
    const ratio = median(rs) as number;
    const status =
      ratio < c.failed_below_pct / 100 ? "failed" : ratio < c.degraded_below_pct / 100 ? "degraded" : "ok";
    verdicts.push({ name: `${tag} ${k}`, ratio, status });
  }
  return verdicts.length > 0 ? verdicts : undefined;
}

/** Mean DC power per input per bucket (dc_power_w, else voltage × current). */
function bucketPower(readings: Reading[], tag: string, from: number, bucketMs: number) {
  const sums = new Map<number, Map<string, number[]>>();
  for (const r of readings) {
    const k = r.tags[tag];
    const v = num(r, "dc_voltage_v");
    const i = num(r, "dc_current_a");
    const p = num(r, "dc_power_w") ?? (v !== undefined && i !== undefined ? v * i : undefined);
    if (k === undefined || p === undefined) continue;
    const b = Math.floor((r.time - from) / bucketMs);
    const byInput = sums.get(b) ?? new Map<string, number[]>();
    sums.set(b, byInput);
    byInput.set(k, [...(byInput.get(k) ?? []), p]);
  }
  return new Map(
    [...sums].map(([b, m]) => [b, new Map([...m].map(([k, ps]) => [k, mean(ps) as number]))] as const),
  );
}

/** Whether a bucket had enough light: the site's sensor, else the clear sky and the inverter's own output. */
function brightBuckets(
  input: RuleInput,
  config: RulesConfig,
  id: string,
  info: InverterInfo,
  from: number,
  bucketMs: number,
): (b: number) => boolean {
  const c = config.pv_input_mismatch;
  const inBucket = (samples: { t: number; v: number }[], b: number) =>
    samples.filter((s) => Math.floor((s.t - from) / bucketMs) === b).map((s) => s.v);
  const sensor = input.site.irradianceSensor;
  if (sensor) {
    const irr = series(readingsOf(input.readings, "weather", sensor), "irradiance_w_per_m2");
    return (b) => (median(inBucket(irr, b)) ?? 0) >= c.min_irradiance_w_per_m2;
  }
  const array = arrayOf(input.site, info, config.pv_model);
  const ac = series(readingsOf(input.readings, "pv_inverter", id), "power_w");
  const kw = info.kwp * 1000;
  return (b) =>
    clearSkyAcW(from + (b + 0.5) * bucketMs, array) >= (c.min_expected_pct_of_kwp / 100) * kw &&
    (mean(inBucket(ac, b)) ?? 0) >= (c.min_inverter_pct_of_kwp / 100) * kw;
}

import { z } from "zod";
import { optionError, targetOf, targetOptionsShape } from "../modbus/cli-target.js";
import { ModbusTransportError } from "../modbus/errors.js";
import { type ManagedLink, openModbusLink } from "../modbus/link.js";
import { type HoldingRegisterReader, readHoldingRange, unitReader } from "../modbus/read-registers.js";
import { type ProbeAnswer, parseUnits, probeUnits } from "../modbus/scan.js";
import { describeTarget } from "../modbus/target.js";
import { type IdentifyMatch, identifyProfiles } from "../profiles/index.js";
import {
  decodeModel,
  defaultModels,
  discoverSunspec,
  type SunspecDiscovery,
  SunspecError,
} from "../sunspec/index.js";

/**
 * `jisr gateway scan`, the work: loaded only when the command runs (cli-scan.ts registers it), so that
 * `jisr gateway --help` loads neither zod nor the Modbus stack.
 */

const OptionsSchema = z.strictObject({
  ...targetOptionsShape,
  units: z.string().default("1-247"),
  timeout: z.coerce.number().int().min(20).max(60_000).default(300),
  json: z.boolean().default(false),
});
export type GatewayScanOptions = z.input<typeof OptionsSchema>;

interface SunspecFound {
  base: number;
  models: number[];
  manufacturer?: string;
  model?: string;
  serial?: string;
}

/** One unit that answered, and what it was taken for. */
export interface ScanResult {
  unit: number;
  /** How it answered the probe: with data, with an exception, or garbled. */
  probe: ProbeAnswer;
  sunspec?: SunspecFound;
  profiles: IdentifyMatch[];
}

export interface ScanReport {
  where: string;
  units: number;
  timeout_ms: number;
  found: ScanResult[];
}

interface Output {
  write(text: string): unknown;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** The common model (1): who made the device, which model it is, its serial number. */
async function nameplate(
  reader: HoldingRegisterReader,
  found: SunspecDiscovery,
): Promise<Partial<SunspecFound>> {
  const ref = found.models.find((m) => m.id === 1);
  const map = defaultModels().get(1);
  if (!ref || !map) return {};
  const points = decodeModel(
    map,
    await readHoldingRange(reader, ref.address, ref.length + 2),
    ref.address,
  ).points;
  const [manufacturer, model, serial] = [
    text(points.Mn?.value),
    text(points.Md?.value),
    text(points.SN?.value),
  ];
  return { ...(manufacturer && { manufacturer }), ...(model && { model }), ...(serial && { serial }) };
}

/** SunSpec models of a unit that answered, or undefined if it has none (or stopped answering). */
async function sunspecOf(
  link: ManagedLink,
  unit: number,
  timeoutMs: number,
): Promise<SunspecFound | undefined> {
  const reader = unitReader(link, unit, timeoutMs);
  try {
    const found = await discoverSunspec(reader);
    const base = { base: found.base, models: found.models.map((m) => m.id) };
    return { ...base, ...(await nameplate(reader, found).catch(() => ({}))) };
  } catch (err) {
    // The bus went away: stop the scan. Anything else means "no SunSpec here".
    const cause = err instanceof SunspecError ? err.cause : err;
    if (cause instanceof ModbusTransportError) throw cause;
    return undefined;
  }
}

/**
 * A unit that answered the probe is there: identifying it gets more patience than the probe (a slow
 * device, a busy bus) rather than mistaking one late answer for "unknown device".
 */
export function identifyTimeout(probeTimeoutMs: number): number {
  return Math.max(3 * probeTimeoutMs, 1000);
}

async function identify(link: ManagedLink, probe: ProbeAnswer, probeTimeoutMs: number): Promise<ScanResult> {
  const timeoutMs = identifyTimeout(probeTimeoutMs);
  const sunspec = probe.answer === "garbled" ? undefined : await sunspecOf(link, probe.unit, timeoutMs);
  const profiles = probe.answer === "garbled" ? [] : await identifyProfiles(link, probe.unit, timeoutMs);
  return { unit: probe.unit, probe, ...(sunspec && { sunspec }), profiles };
}

function describeDevice(r: ScanResult): string {
  const parts: string[] = [];
  if (r.sunspec) {
    const who = [r.sunspec.manufacturer, r.sunspec.model].filter(Boolean).join(" ");
    const serial = r.sunspec.serial ? ` (SN ${r.sunspec.serial})` : "";
    parts.push(
      `SunSpec${who ? `: ${who}` : ""}${serial}, models ${r.sunspec.models.join(", ")} at ${r.sunspec.base}`,
    );
  }
  if (r.profiles.length > 0) parts.push(`profile ${r.profiles.map((p) => p.name).join(", ")}`);
  if (parts.length > 0) return parts.join("; ");
  if (r.probe.answer === "garbled")
    return `garbled answer (wrong baud rate or parity? two devices with one id?)`;
  return "answers (unknown device)";
}

function describeProbe(p: ProbeAnswer): string {
  if (p.answer === "data") return `data at 40000`;
  if (p.answer === "exception") return `exception ${p.code} (${p.name}) at 40000`;
  return p.message;
}

/** The report as a table a technician reads on site. */
export function formatScan(report: ScanReport): string {
  const head = `Scanned ${report.units} unit id(s) on ${report.where}, ${report.timeout_ms} ms each: ${report.found.length} answered`;
  if (report.found.length === 0)
    return `${head}.\nNo unit answered: check A/B wiring, baud rate and parity, and that the devices are powered.\n`;
  const rows = [
    ["UNIT", "DEVICE", "PROBE"],
    ...report.found.map((r) => [String(r.unit), describeDevice(r), describeProbe(r.probe)]),
  ];
  const w0 = Math.max(...rows.map((r) => r[0]?.length ?? 0));
  const w1 = Math.max(...rows.map((r) => r[1]?.length ?? 0));
  const lines = rows.map(([u, d, p]) =>
    `${(u ?? "").padEnd(w0)}  ${(d ?? "").padEnd(w1)}  ${p ?? ""}`.trimEnd(),
  );
  const tail =
    report.found.length === report.units && report.units > 2
      ? ["", "Every unit id answered: this is probably one Modbus TCP device that ignores the unit id."]
      : [];
  return `${head}\n${[...lines, ...tail].join("\n")}\n`;
}

/** Scans `units` on the link and identifies those that answer. */
export async function scanBus(
  link: ManagedLink,
  units: readonly number[],
  timeoutMs: number,
): Promise<ScanReport> {
  const found: ScanResult[] = [];
  for (const probe of await probeUnits(link, units, timeoutMs))
    found.push(await identify(link, probe, timeoutMs));
  return { where: link.where, units: units.length, timeout_ms: timeoutMs, found };
}

/** Runs the command and returns its exit code: 0, or 1 with one line on stderr. */
export async function runGatewayScan(
  raw: GatewayScanOptions,
  io: { stdout: Output; stderr: Output },
): Promise<number> {
  const parsed = OptionsSchema.safeParse(raw);
  const target = parsed.success ? targetOf(parsed.data) : optionError(parsed.error);
  const units = parsed.success ? parseUnits(parsed.data.units) : [];
  if (!parsed.success || typeof target === "string" || typeof units === "string") {
    io.stderr.write(`error: ${typeof target === "string" ? target : `--units: ${String(units)}`}\n`);
    return 1;
  }
  const { timeout, json } = parsed.data;
  try {
    // Serialised whatever the bus: a scan sends one request at a time anyway.
    const link = await openModbusLink(target, { serialise: true, connectTimeoutMs: Math.max(timeout, 1000) });
    try {
      const report = await scanBus(link, units, timeout);
      io.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatScan(report));
    } finally {
      await link.close();
    }
    return 0;
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).split("\n")[0];
    const opening = err instanceof ModbusTransportError && /^cannot (connect|open)/.test(err.message);
    io.stderr.write(opening ? `error: ${message}\n` : `error: ${describeTarget(target)}: ${message}\n`);
    return 1;
  }
}

import { ValidationError } from "@jisr/core/errors";
import { z } from "zod";
import { optionError, targetOf, targetOptionsShape } from "../modbus/cli-target.js";
import { ModbusTransportError } from "../modbus/errors.js";
import { type ManagedLink, openModbusLink } from "../modbus/link.js";
import { unitReader } from "../modbus/read-registers.js";
import { describeTarget } from "../modbus/target.js";
import { type DecodedValue, loadProfile, type Profile, readWithProfile } from "../profiles/index.js";
import { formatDevice } from "../sunspec/format.js";
import { readSunspecDevice } from "../sunspec/read-device.js";

/**
 * `jisr gateway read`, the work: loaded only when the command runs (cli-read.ts registers it), so that
 * `jisr gateway --help` loads neither zod nor the Modbus stack.
 */

const OptionsSchema = z.strictObject({
  ...targetOptionsShape,
  unit: z.coerce.number().int().min(0).max(255),
  timeout: z.coerce.number().int().min(1).max(600_000),
  profile: z.string().min(1, "must not be empty").optional(),
  json: z.boolean().default(false),
});
export type GatewayReadOptions = z.input<typeof OptionsSchema>;

interface Output {
  write(text: string): unknown;
}

function formatValue(v: DecodedValue): string {
  if (v.value === null) return "null";
  if (v.flags !== undefined) return v.flags.length === 0 ? "none" : v.flags.join(", ");
  if (typeof v.value === "string" && v.raw !== undefined) return `${v.value} (${v.raw})`;
  return String(v.value);
}

/** One table of the decoded points, for a technician. */
export function formatProfileReading(
  profile: Profile,
  values: readonly DecodedValue[],
  where: string,
): string {
  const rows = values.map((v) => [v.point, formatValue(v), v.unit ?? ""] as const);
  const w0 = Math.max(0, ...rows.map((r) => r[0].length));
  const w1 = Math.max(0, ...rows.map((r) => r[1].length));
  const lines = rows.map(([n, v, u]) => `  ${n.padEnd(w0)}  ${v.padEnd(w1)}  ${u}`.trimEnd());
  return `Profile ${profile.name} ${where}: ${values.length} point(s)\n${lines.join("\n")}\n`;
}

async function readAndFormat(
  link: ManagedLink,
  o: z.output<typeof OptionsSchema>,
  where: string,
  profile: Profile | undefined,
): Promise<string> {
  if (profile) {
    const values = await readWithProfile(link, o.unit, profile, o.timeout);
    return o.json
      ? `${JSON.stringify({ profile: profile.name, values }, null, 2)}\n`
      : formatProfileReading(profile, values, where);
  }
  const device = await readSunspecDevice(unitReader(link, o.unit, o.timeout));
  return o.json ? `${JSON.stringify(device, null, 2)}\n` : formatDevice(device, where);
}

/** A profile that cannot be loaded, in one line: the first problem, and where to see them all. */
function profileError(name: string, err: unknown): string {
  if (!(err instanceof ValidationError)) return `--profile: ${firstLine(err)}`;
  const [first, ...rest] = err.problems;
  const where = first?.path && first.path !== "profile" ? `${first.path}: ` : "";
  const more = rest.length > 0 ? ` (and ${rest.length} more: run "jisr profile check ${name}")` : "";
  return `--profile: ${where}${first?.message ?? "invalid"}${more}`;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
}

/** Runs the command and returns its exit code: 0, or 1 with one line on stderr. */
export async function runGatewayRead(
  raw: GatewayReadOptions,
  io: { stdout: Output; stderr: Output },
): Promise<number> {
  const parsed = OptionsSchema.safeParse(raw);
  const target = parsed.success ? targetOf(parsed.data) : optionError(parsed.error);
  if (!parsed.success || typeof target === "string") {
    io.stderr.write(`error: ${String(target)}\n`);
    return 1;
  }
  const o = parsed.data;
  const where = `${describeTarget(target)} unit ${o.unit}`;
  let profile: Profile | undefined;
  try {
    // Before opening the bus: a misspelt profile name is the technician's to fix, not the device's.
    profile = o.profile === undefined ? undefined : loadProfile(o.profile);
  } catch (err) {
    io.stderr.write(`error: ${profileError(o.profile ?? "", err)}\n`);
    return 1;
  }
  try {
    const link = await openModbusLink(target, { connectTimeoutMs: o.timeout });
    try {
      io.stdout.write(await readAndFormat(link, o, `at ${where}`, profile));
    } finally {
      await link.close();
    }
    return 0;
  } catch (err) {
    // A connect error already names the host or port.
    const opening = err instanceof ModbusTransportError && /^cannot (connect|open)/.test(err.message);
    io.stderr.write(opening ? `error: ${firstLine(err)}\n` : `error: ${where}: ${firstLine(err)}\n`);
    return 1;
  }
}

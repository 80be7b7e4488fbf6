/**
 * The faults a simulated device can be told to have, in one vocabulary for the control API, the
 * `jisr sim fault` command and the demo: what a technician would find on site (DOMAIN.md §5), each
 * mapped onto the simulator that can show it.
 */
import { z } from "zod";
import type { ProfileDeviceHandle } from "../profile-device/device.js";
import type { SunspecInverterHandle } from "../sunspec-inverter.js";

export const FAULT_NAMES = [
  "trip",
  "string-failure",
  "soiling",
  "pump-failure",
  "stuck-sensor",
  "comm-loss",
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export const faultRequestSchema = z.discriminatedUnion("fault", [
  z.object({ fault: z.literal("trip") }).strict(),
  z.object({ fault: z.literal("string-failure"), mppt: z.number().int().min(1).max(2) }).strict(),
  z.object({ fault: z.literal("soiling"), percent: z.number().min(0).max(100) }).strict(),
  z.object({ fault: z.literal("pump-failure") }).strict(),
  z.object({ fault: z.literal("stuck-sensor"), field: z.string().min(1) }).strict(),
  z.object({ fault: z.literal("comm-loss") }).strict(),
]);
export type FaultRequest = z.infer<typeof faultRequestSchema>;

/** What the value after `=` means in the text form, for the faults that take one. */
const TEXT_VALUE: Partial<Record<FaultName, { key: string; number: boolean }>> = {
  "string-failure": { key: "mppt", number: true },
  soiling: { key: "percent", number: true },
  "stuck-sensor": { key: "field", number: false },
};

/** Help text: every fault in its text form. */
export const FAULT_TEXT_HELP = [
  "trip                   inverter trips (St FAULT, no power, ground-fault event)",
  "string-failure=N       inverter loses the string on MPPT input N (1 or 2)",
  "soiling=PCT            inverter's modules lose PCT % of their light to dust",
  "pump-failure           solar loop pump runs but nothing flows",
  "stuck-sensor=FIELD     a sensor's value freezes (e.g. tank_top_temperature_c)",
  "comm-loss              the device stops answering (cable cut); cleared, it answers again",
].join("\n");

/** Parses the text form (`trip`, `string-failure=2`, `soiling=30`, `stuck-sensor=FIELD`). */
export function parseFaultText(text: string): FaultRequest {
  const [name = "", value] = text.split("=", 2);
  const spec = TEXT_VALUE[name as FaultName];
  const raw: Record<string, unknown> = { fault: name };
  if (spec && value !== undefined) raw[spec.key] = spec.number ? Number(value) : value;
  else if (value !== undefined) throw new Error(`fault "${name}" takes no value (got "=${value}")`);
  const parsed = faultRequestSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  if (!FAULT_NAMES.includes(name as FaultName))
    throw new Error(`unknown fault "${name}"; known: ${FAULT_NAMES.join(", ")}`);
  const detail = parsed.error.issues.map((i) => `${i.path.join(".") || name}: ${i.message}`).join("; ");
  throw new Error(`fault "${text}": ${detail}${spec ? ` (write ${name}=${spec.key.toUpperCase()})` : ""}`);
}

/** A device the control API can break and repair. */
export interface FaultTarget {
  id: string;
  /** What it is: `sunspec-inverter`, or the profile it serves. */
  kind: string;
  supports: readonly FaultName[];
  /** Its faults now, as the simulator holds them (plus `online`). */
  faults(): Record<string, unknown>;
  apply(fault: FaultRequest): Promise<void>;
  /** Every fault cleared, the link back up. */
  clear(): Promise<void>;
}

export class UnsupportedFaultError extends Error {
  constructor(target: FaultTarget, fault: FaultName) {
    super(
      `device "${target.id}" (${target.kind}) cannot have "${fault}"; it can have: ${target.supports.join(", ")}`,
    );
    this.name = "UnsupportedFaultError";
  }
}

export function inverterTarget(id: string, handle: SunspecInverterHandle): FaultTarget {
  const target: FaultTarget = {
    id,
    kind: "sunspec-inverter",
    supports: ["trip", "string-failure", "soiling", "comm-loss"],
    faults: () => ({ online: handle.online, ...handle.faults }),
    async apply(f) {
      if (f.fault === "trip") handle.setFault({ trip: true });
      else if (f.fault === "string-failure") handle.setFault({ stringFailure: f.mppt });
      else if (f.fault === "soiling") handle.setFault({ soilingPct: f.percent });
      else if (f.fault === "comm-loss") await handle.setOnline(false);
      else throw new UnsupportedFaultError(target, f.fault);
    },
    async clear() {
      handle.setFault({ trip: false, stringFailure: null, soilingPct: 0 });
      await handle.setOnline(true);
    },
  };
  return target;
}

export function profileDeviceTarget(id: string, handle: ProfileDeviceHandle): FaultTarget {
  // The pump fault lives in the tank and heat-meter generators: offer it where a pump or a flow is served.
  const hasPump = handle.get("pump_on") !== undefined || handle.get("flow_l_per_h") !== undefined;
  const target: FaultTarget = {
    id,
    kind: handle.profile.name,
    supports: [...(hasPump ? (["pump-failure"] as const) : []), "stuck-sensor", "comm-loss"],
    faults: () => ({ online: handle.online, pumpFailure: false, stuck: [], ...handle.faults }),
    async apply(f) {
      if (f.fault === "pump-failure" && hasPump) handle.setFault({ pumpFailure: true });
      else if (f.fault === "stuck-sensor") {
        if (handle.get(f.field) === undefined)
          throw new Error(`device "${id}" (${handle.profile.name}) serves no field or point "${f.field}"`);
        handle.setFault({ stuck: [...new Set([...(handle.faults.stuck ?? []), f.field])] });
      } else if (f.fault === "comm-loss") await handle.setOnline(false);
      else throw new UnsupportedFaultError(target, f.fault);
    },
    async clear() {
      handle.setFault({ pumpFailure: false, stuck: [] });
      await handle.setOnline(true);
    },
  };
  return target;
}

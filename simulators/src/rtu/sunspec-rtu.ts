/**
 * Simulated SunSpec inverters on one Modbus RTU bus: several unit ids answered by one serial server, as
 * several inverters daisy-chained on one RS-485 line. The inverters are the same as the TCP simulator's
 * (startSunspecInverter); only the transport differs.
 */
import type { Logger } from "pino";
import { pino } from "pino";
import { z } from "zod";
import { SimulatedInverter } from "../inverter/simulated-inverter.js";
import { sunspecInverterOptionsSchema } from "../sunspec-inverter.js";
import { type RtuServerHandle, startRtuServer } from "./serial-server.js";

const inverterSchema = sunspecInverterOptionsSchema.omit({ host: true, port: true, logger: true });

export const sunspecRtuBusOptionsSchema = z
  .object({
    path: z.string().min(1).describe("Serial port the inverters answer on"),
    baud: z.number().int().positive().default(9600),
    parity: z.enum(["none", "even", "odd"]).default("none"),
    dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
    stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
    inverters: z
      .array(inverterSchema)
      .min(1)
      .refine((list) => new Set(list.map((i) => i.unit)).size === list.length, "unit ids must differ")
      .describe("One entry per inverter on the bus, each with its own unit id"),
    logger: z.custom<Logger>((v) => typeof v === "object" && v !== null).optional(),
  })
  .strict();

export type SunspecRtuBusOptions = z.input<typeof sunspecRtuBusOptionsSchema>;

export interface SunspecRtuBusHandle {
  path: string;
  /** The inverters by unit id. */
  inverters: ReadonlyMap<number, SimulatedInverter>;
  /** The serial server: requests received, and setSilent(unit) to make one inverter die and come back. */
  server: RtuServerHandle;
  close(): Promise<void>;
}

function parseOptions(opts: SunspecRtuBusOptions) {
  const parsed = sunspecRtuBusOptionsSchema.safeParse(opts);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(options)"}: ${i.message}`);
    throw new Error(`invalid SunSpec RTU bus options: ${issues.join("; ")}`);
  }
  return parsed.data;
}

/** Starts the inverters and serves them over Modbus RTU on `path`. */
export async function startSunspecRtuBus(opts: SunspecRtuBusOptions): Promise<SunspecRtuBusHandle> {
  const o = parseOptions(opts);
  const logger = o.logger ?? pino({ level: "silent" });
  const inverters = new Map(o.inverters.map((i) => [i.unit, new SimulatedInverter({ ...i, logger })]));
  for (const inverter of inverters.values()) inverter.tick();
  const server = await startRtuServer({ ...o, devices: inverters, logger });
  const timers = o.inverters
    .filter((i) => i.tickMs > 0)
    .map((i) => setInterval(() => inverters.get(i.unit)?.tick(), i.tickMs));
  let closed = false;
  return {
    path: o.path,
    inverters,
    server,
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearInterval(timer);
      await server.close();
    },
  };
}

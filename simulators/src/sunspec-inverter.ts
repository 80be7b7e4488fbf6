// startSunspecInverter: a simulated SunSpec three-phase inverter on a real Modbus TCP socket.
import type { Logger } from "pino";
import { pino } from "pino";
import { z } from "zod";
import type { RingBuffer } from "./history.js";
import {
  type FaultPatch,
  type InverterLiveState,
  type ServedSnapshot,
  SimulatedInverter,
} from "./inverter/simulated-inverter.js";
import type { InverterFaults } from "./inverter/values.js";
import { startModbusServer } from "./modbus-server.js";
import { startUnpluggable } from "./unpluggable-server.js";

export const sunspecInverterOptionsSchema = z
  .object({
    host: z.string().min(1).default("127.0.0.1").describe("Address to listen on"),
    port: z.number().int().min(0).max(65535).describe("TCP port; 0 picks a free one"),
    unit: z.number().int().min(1).max(247).default(1).describe("Modbus unit id answered"),
    kwp: z.number().positive().max(10_000).default(10).describe("DC nameplate, kWp"),
    speed: z.number().positive().max(1e6).default(1).describe("Sim seconds per wall second"),
    seed: z.number().int().default(1).describe("Seed of clouds, grid wander, serial number"),
    start: z.date().optional().describe("Sim instant at startup; default now"),
    tickMs: z.number().int().min(0).default(1000).describe("Register update period; 0 = only on tick()"),
    acRatingW: z.number().positive().optional().describe("AC rating, W; default kWp / 1.1"),
    clouds: z.boolean().default(true).describe("Seeded cloud noise; false = clear sky"),
    initialWh: z.number().min(0).optional().describe("Lifetime energy at startup, Wh"),
    historySize: z.number().int().min(1).default(10_000).describe("Snapshots kept for servedAt"),
    logger: z.custom<Logger>((v) => typeof v === "object" && v !== null).optional(),
  })
  .strict();

export type SunspecInverterOptions = z.input<typeof sunspecInverterOptionsSchema>;

export interface SunspecInverterHandle {
  port: number;
  unit: number;
  /** Live state after the latest tick. */
  readonly state: Readonly<InverterLiveState>;
  /** What was served, oldest first, bounded. */
  history: RingBuffer<ServedSnapshot>;
  /** Snapshot in effect at a wall-clock instant (ms), if still in the history. */
  servedAt(wallMs: number): ServedSnapshot | undefined;
  /** Update the registers now. */
  tick(): ServedSnapshot;
  /** Merge faults into the current ones and apply them at once; `{ trip: false }` clears a trip. */
  setFault(patch: FaultPatch): void;
  readonly faults: Readonly<InverterFaults>;
  /**
   * Communication loss and back: offline closes the Modbus server and every open connection (a cut
   * cable); online serves the same inverter, counters intact, on the same port again.
   */
  setOnline(online: boolean): Promise<void>;
  readonly online: boolean;
  /** The simulator itself (clock, design, register bank) for tests that need more. */
  inverter: SimulatedInverter;
  close(): Promise<void>;
}

function parseOptions(opts: SunspecInverterOptions) {
  const parsed = sunspecInverterOptionsSchema.safeParse(opts);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(options)"}: ${i.message}`);
    throw new Error(`invalid sunspec inverter options: ${issues.join("; ")}`);
  }
  return parsed.data;
}

export async function startSunspecInverter(opts: SunspecInverterOptions): Promise<SunspecInverterHandle> {
  const o = parseOptions(opts);
  const logger = o.logger ?? pino({ level: "silent" });
  const inverter = new SimulatedInverter({ ...o, logger });
  inverter.tick();
  const serve = (port: number) =>
    startModbusServer(inverter, {
      host: o.host,
      port,
      unit: o.unit,
      logger: logger.child({ component: "sim-modbus-server", unit: o.unit }),
    });
  const link = await startUnpluggable(serve, o.port, (online, port) =>
    logger.child({ component: "sim-inverter", unit: o.unit }).info({ port, online }, "link changed"),
  );
  const port = link.port;
  const timer = o.tickMs > 0 ? setInterval(() => inverter.tick(), o.tickMs) : null;
  logger.child({ component: "sim-inverter", unit: o.unit }).info(
    {
      host: o.host,
      port,
      kwp: o.kwp,
      speed: o.speed,
      seed: o.seed,
      simStart: new Date(inverter.clock.simStart).toISOString(),
    },
    "simulated SunSpec inverter listening",
  );
  let closed = false;
  return {
    port,
    unit: o.unit,
    get state() {
      return inverter.state;
    },
    history: inverter.history,
    servedAt: (wallMs) => inverter.servedAt(wallMs),
    tick: () => inverter.tick(),
    setFault: (patch) => inverter.setFault(patch),
    get faults() {
      return inverter.faults;
    },
    setOnline: (online) => link.setOnline(online),
    get online() {
      return link.online;
    },
    inverter,
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      await link.close();
    },
  };
}

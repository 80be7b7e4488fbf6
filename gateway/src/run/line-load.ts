/**
 * How busy each shared Modbus line is, for the status file and `jisr gateway status`: the wire time of
 * the last minute per unit id (modbus/link.ts), put in terms a technician reads at once ("1.4 s of every
 * 2 s") and tied to the configured devices, so the unit that costs the line is named. Pure.
 */
import type { DeviceConfig } from "../config/schema.js";
import type { BusInfo } from "../modbus/link-pool.js";
import { describeTarget, type LinkTarget } from "../modbus/target.js";

export interface LineLoad {
  /** "/dev/ttyUSB0 9600 8N1" or "192.168.1.60:502" (a TCP-to-RTU converter). */
  where: string;
  window_ms: number;
  busy_ms: number;
  /** The shortest poll interval of the devices on the line: the period the load is measured against. */
  interval_ms: number;
  /** Wire time per interval, ms: busy_ms scaled from the window to one interval. */
  busy_per_interval_ms: number;
  /** Per unit id, most costly first. */
  units: { unit: number; devices: string[]; busy_ms: number; requests: number; timeouts: number }[];
}

/** Lines that take one request at a time (serial lines, converters), with their load. */
export function lineLoads(buses: readonly BusInfo[], devices: readonly DeviceConfig[]): LineLoad[] {
  return buses
    .filter((bus) => bus.serialised)
    .map((bus) => {
      const here = devices.filter((d) => describeTarget(targetOf(d)) === bus.where);
      const interval = Math.min(...here.map((d) => d.interval), Number.POSITIVE_INFINITY);
      const intervalMs = Number.isFinite(interval) ? interval : bus.load.window_ms;
      return {
        where: bus.where,
        window_ms: bus.load.window_ms,
        busy_ms: bus.load.busy_ms,
        interval_ms: intervalMs,
        busy_per_interval_ms: Math.round((bus.load.busy_ms * intervalMs) / bus.load.window_ms),
        units: bus.load.units.map((u) => ({
          ...u,
          devices: here.filter((d) => d.unit === u.unit).map((d) => d.id),
        })),
      };
    });
}

function targetOf(device: DeviceConfig): LinkTarget {
  return device.serial ? { serial: device.serial } : { host: device.host ?? "", port: device.port };
}

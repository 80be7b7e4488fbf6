/**
 * The source contract: where the gateway's readings come from, whatever the protocol. A polled source
 * (Modbus, SunSpec: a Driver asked by a poller on its schedule, sources/polled.ts) and a pushed source
 * (MQTT devices publishing to a broker, mqtt/source.ts) both hand every reading to the same sink (the
 * queue, and the local page and alerts) and report each device's reads, failures and state changes into
 * the one health model (health.ts), which the status file, `jisr gateway status`, the health readings,
 * the local page and the local alerts read.
 *
 * - Opening a source (its factory) validates and connects; a device configuration it cannot work with is
 *   a ValidationError, with nothing left running; an unreachable device or broker is not.
 * - `start()` begins reading. A pushed source reads from the moment it is open (a broker may deliver a
 *   persistent session's messages at once), so its `start()` does nothing.
 * - `devices(now)` never throws and costs little: it is read every few seconds.
 * - `stop()` is idempotent and never throws.
 */
import type { Point } from "@jisr/core";
import type { DeviceHealth } from "./health.js";

/** Where a source hands its readings, synchronously, in the order they were read. May throw (a full disk). */
export type PointSink = (points: Point[]) => void;

export interface Source {
  /** Begins reading. */
  start(): void;
  /** Stops reading, waits at most `waitMs` for reads in flight, and closes the connections. */
  stop(waitMs: number): Promise<void>;
  /** Each of its devices' health now, in config order. */
  devices(now: number): DeviceHealth[];
}

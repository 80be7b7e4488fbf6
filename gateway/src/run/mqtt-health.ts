/**
 * MQTT devices in the gateway's health and status, in the same shape as polled devices. They push
 * rather than answer polls, so "online" means: the broker is connected and the device published lately.
 */
import type { Point } from "@jisr/core";
import type { MqttDevicesStatus } from "../mqtt/source.js";
import { type DeviceHealth, type DeviceState, type LastValues, summarise } from "../sources/health.js";

/**
 * Silent this long, a device counts as offline. Tasmota publishes every 300 s by default (TelePeriod),
 * Shelly Gen2 on every change and at least every 60 s, OpenDTU every few seconds: twice the slowest.
 */
export const MQTT_SILENT_AFTER_MS = 10 * 60_000;

/** Keeps what the MQTT source does not: each device's last readings, and since when it is in its state. */
export class MqttHealth {
  readonly #values = new Map<string, LastValues[]>();
  readonly #states = new Map<string, { state: DeviceState; since: number }>();
  readonly #startedAt: number;

  constructor(startedAt: number) {
    this.#startedAt = startedAt;
  }

  /** Called with every message's readings (all of one device). */
  record(points: readonly Point[]): void {
    const device = points[0]?.tags.device;
    if (device !== undefined) this.#values.set(device, summarise(points));
  }

  devices(status: MqttDevicesStatus, now: number): DeviceHealth[] {
    return status.devices.map((d) => {
      const heard = d.last_message_at;
      const recent = heard !== undefined && now - heard <= MQTT_SILENT_AFTER_MS;
      const state: DeviceState =
        status.connected && recent
          ? "online"
          : heard === undefined && status.connected
            ? "starting"
            : "offline";
      const values = this.#values.get(d.id);
      return {
        id: d.id,
        state,
        ...(state !== "online" && { reason: reason(status, d.topic, heard, now) }),
        since: this.#since(d.id, state, now),
        polls: d.messages,
        failed_polls: d.bad_payloads,
        ...(heard !== undefined && { last_poll_at: heard, last_success_at: heard }),
        ...(d.last_bad_payload && {
          last_error: d.last_bad_payload.message,
          last_error_at: d.last_bad_payload.at,
        }),
        ...(values && { last_values: values, last_points: values.length }),
      };
    });
  }

  #since(id: string, state: DeviceState, now: number): number {
    const known = this.#states.get(id);
    if (known?.state === state) return known.since;
    const since = known === undefined ? this.#startedAt : now;
    this.#states.set(id, { state, since });
    return since;
  }
}

function reason(status: MqttDevicesStatus, topic: string, heard: number | undefined, now: number): string {
  if (!status.connected)
    return `MQTT broker ${status.broker} not reachable${status.last_error ? `: ${status.last_error}` : ""}`;
  if (heard === undefined) return `no message yet on ${topic}`;
  return `no message on ${topic} for ${Math.round((now - heard) / 60_000)} min`;
}

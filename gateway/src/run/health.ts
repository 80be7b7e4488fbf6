/**
 * The gateway's own health as readings (STYLE.md habit 11: self-metrics are data, not log lines), so a
 * silent site or a growing backlog shows on the same dashboards and alert rules as the devices. The
 * measurements and fields are documented in README.md beside this file; keep both in step.
 */
import type { Point } from "@jisr/core";
import type { DeviceHealth } from "../sources/health.js";
import type { OutboxStats } from "../uplink/outbox.js";
import type { SenderStatus } from "../uplink/sender.js";

export const GATEWAY_HEALTH = "gateway_health";
export const DEVICE_HEALTH = "device_health";

export interface HealthInput {
  institution: string;
  gatewayId: string;
  /** Timestamp of the readings (epoch ms). */
  now: number;
  startedAt: number;
  devices: readonly DeviceHealth[];
  queue: OutboxStats;
  uplink: SenderStatus;
}

const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));

/** One gateway_health point for the gateway, one device_health point per device. */
export function healthPoints(input: HealthInput): Point[] {
  const online = input.devices.filter((d) => d.state === "online").length;
  const { queue } = input;
  const gateway: Point = {
    measurement: GATEWAY_HEALTH,
    tags: { institution: input.institution, device: input.gatewayId },
    fields: {
      queue_points: queue.points,
      queue_bytes: queue.bytes,
      // 0 when empty, rather than absent, so "max over the last hour" reads naturally in an alert rule.
      oldest_queued_age_s:
        queue.oldest_queued_at === undefined ? 0 : seconds(input.now - queue.oldest_queued_at),
      dropped_points_total: queue.dropped_total,
      devices_online: online,
      // A device still "starting" (its first poll has not answered) is not online either.
      devices_offline: input.devices.length - online,
      uplink_failures_total: input.uplink.failures_total,
      uptime_s: seconds(input.now - input.startedAt),
    },
    time: input.now,
  };
  return [gateway, ...input.devices.map((d) => deviceHealthPoint(d, input))];
}

function deviceHealthPoint(device: DeviceHealth, input: HealthInput): Point {
  return {
    measurement: DEVICE_HEALTH,
    tags: { institution: input.institution, device: device.id },
    fields: {
      online: device.state === "online",
      errors_total: device.failed_polls,
      // Always a string, "" when there was none: a field must keep one type for its whole life.
      last_error: device.last_error ?? "",
      ...(device.last_poll_ms !== undefined && { last_poll_duration_ms: device.last_poll_ms }),
      ...(device.last_success_at !== undefined && {
        last_success_age_s: seconds(input.now - device.last_success_at),
      }),
    },
    time: input.now,
  };
}

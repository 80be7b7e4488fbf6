/**
 * The gateway config file (`jisr gateway run --config gateway.yaml`): ONE strict schema. Every object is
 * strict because an unknown key is almost always a typo ("intervall") that would otherwise be silently
 * ignored; every field is described and has a default where one makes sense. Cross-field rules that zod
 * cannot express per field (duplicate ids, two devices on one address) live in `crossCheckDevices` below.
 *
 * Durations are written as strings ("10s") and come out of the schema as milliseconds.
 */
import { formatPath, idSchema, type Problem, strictObject } from "@jisr/core";
import { z } from "zod";
import { bufferSchema } from "./buffer-schema.js";
import { durationSchema } from "./duration.js";
import { localAlertsSchema, localPageSchema } from "./local-schema.js";
import { mqttSchema } from "./mqtt-schema.js";
import { serialSchema } from "./serial-schema.js";

export const TOKEN_ENV = "JISR_GATEWAY_TOKEN";

/** A custom message for a wrong value, but "is required" when the key is missing altogether. */
function orRequired(message: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : message);
}

const hostSchema = z
  .string()
  .min(1, "must not be empty")
  .regex(/^[A-Za-z0-9._:-]+$/, "must be a host name or an IP address, e.g. 192.168.1.50");

export const deviceSchema = strictObject({
  id: idSchema.describe(
    'Device id, unique in this gateway; becomes the `device` tag of its points, e.g. "inv-1".',
  ),
  profile: z
    .string({ error: orRequired("must be a profile name or a .yaml file") })
    .min(1, "must not be empty")
    .describe(
      'How to read the device: "sunspec" (any SunSpec inverter or meter, auto-discovered), a built-in ' +
        'profile name (e.g. "huawei-sun2000"), or the path of a profile file (relative to this file).',
    ),
  host: hostSchema
    .optional()
    .describe("Host name or IP address of the device (or of its Modbus TCP gateway); or give `serial`."),
  serial: serialSchema.optional(),
  port: z
    .number()
    .int("must be a whole number")
    .min(1, "must be between 1 and 65535")
    .max(65_535, "must be between 1 and 65535")
    .default(502)
    .describe("Modbus TCP port."),
  unit: z
    .number()
    .int("must be a whole number")
    .min(0, "must be between 0 and 255")
    .max(255, "must be between 0 and 255")
    .default(1)
    .describe("Modbus unit id (slave id) of the device; behind an RS485 gateway, its bus address."),
  interval: durationSchema(100, 3_600_000)
    .prefault("10s")
    .describe('How often the device is read, e.g. "10s". Each device keeps its own schedule.'),
  timeout: durationSchema(50, 60_000)
    .prefault("2s")
    .describe("How long to wait for one Modbus answer before counting the read as failed."),
  retries: z
    .number()
    .int("must be a whole number")
    .min(0, "must be between 0 and 5")
    .max(5, "must be between 0 and 5")
    .default(1)
    .describe("How many times a failed read is retried within one poll before the device is marked offline."),
  offline_retry_max: durationSchema(1000, 3_600_000)
    .prefault("5m")
    .describe(
      "An offline device is polled with one attempt at the next slot, then 2, 4, 8 ... intervals later, " +
        "up to this delay, so a silent unit does not take a shared RS-485 line from the others.",
    ),
}).superRefine((device, ctx) => {
  if ((device.host === undefined) === (device.serial === undefined)) {
    ctx.addIssue({
      code: "custom",
      message: "give either host (Modbus TCP) or serial (Modbus RTU), not both and not neither",
      path: device.host === undefined ? ["host"] : ["serial"],
    });
  }
});

export const uplinkSchema = strictObject({
  url: z
    .url({
      protocol: /^(https?|mqtts?)$/,
      error: orRequired(
        "must be an http(s):// URL (ingestion service) or an mqtt(s):// URL (central broker)",
      ),
    })
    .describe(
      "Base URL of the ingestion service (points are posted to <url>/api/v1/write), or of a central MQTT " +
        "broker (points are published with QoS 1 on `mqtt_topic`).",
    ),
  mqtt_topic: z
    .string()
    .min(1, "must not be empty")
    .optional()
    .describe("MQTT uplink only: topic of the batches; default jisr/<institution>/<gateway_id>/points."),
  token: z
    .string()
    .min(1, "must not be empty")
    .optional()
    .describe(`Bearer token of this gateway. Prefer token_file or the ${TOKEN_ENV} environment variable.`),
  token_file: z
    .string()
    .min(1, "must not be empty")
    .optional()
    .describe("File holding the token (relative paths are relative to the config file)."),
  batch_max_points: z
    .number()
    .int("must be a whole number")
    .min(1, "must be between 1 and 100000")
    .max(100_000, "must be between 1 and 100000")
    .default(5000)
    .describe("Most points sent in one request."),
  flush_interval: durationSchema(100, 600_000).prefault("5s").describe("How often queued points are sent."),
  timeout: durationSchema(1000, 300_000).prefault("30s").describe("How long one upload may take."),
  retry_max_delay: durationSchema(1000, 600_000)
    .prefault("30s")
    .describe(
      "Longest wait between two uploads (or MQTT reconnects) while the server is unreachable: after an " +
        "outage of any length, readings flow again within this delay of the server coming back. Each " +
        "wait is jittered (between half and all of it) so many gateways do not retry in step.",
    ),
  max_queued_points: z
    .number()
    .int("must be a whole number")
    .min(1000, "must be between 1000 and 10000000")
    .max(10_000_000, "must be between 1000 and 10000000")
    .default(100_000)
    .describe(
      "Points kept while the server is unreachable; beyond this the oldest are dropped (and counted).",
    ),
});

export const gatewayConfigSchema = strictObject({
  institution: idSchema.describe('Id of the institution this gateway belongs to, e.g. "ehpad-ben-guerir".'),
  gateway_id: idSchema
    .default("gateway")
    .describe("Name of this gateway, shown in logs and sent to the server."),
  uplink: uplinkSchema.describe("Where readings are sent."),
  data_dir: z
    .string()
    .min(1, "must not be empty")
    .default("jisr-data")
    .describe("Folder of the durable queue and the status file (relative paths: relative to this file)."),
  buffer: bufferSchema,
  health: strictObject({
    interval: durationSchema(1000, 3_600_000)
      .prefault("60s")
      .describe("How often the gateway sends its own health (gateway_health readings)."),
  })
    .prefault({})
    .describe("The gateway's own health readings."),
  devices: z.array(deviceSchema).default([]).describe("Modbus devices this gateway reads."),
  mqtt: mqttSchema.optional(),
  local_page: localPageSchema,
  local_alerts: localAlertsSchema,
})
  .superRefine((config, ctx) => {
    if (config.devices.length === 0 && (config.mqtt?.devices.length ?? 0) === 0) {
      ctx.addIssue({
        code: "custom",
        message: "must list at least one device (or MQTT device)",
        path: ["devices"],
      });
    }
  })
  .describe("Jisr Solar edge gateway configuration");

/** The config file as parsed: durations in ms, defaults filled, token not yet resolved. */
export type GatewayConfigFile = z.output<typeof gatewayConfigSchema>;
/** As parsed; offline_retry_max may be left out by code that builds a device by hand (tests): 5 min. */
export type DeviceConfig = Omit<z.output<typeof deviceSchema>, "offline_retry_max"> & {
  offline_retry_max?: number;
};
export type UplinkFileConfig = z.output<typeof uplinkSchema>;

/** The config past the loader: the token is resolved (from token, token_file or the environment). */
export interface GatewayConfig extends Omit<GatewayConfigFile, "uplink"> {
  uplink: Omit<UplinkFileConfig, "token" | "token_file" | "retry_max_delay"> & {
    token: string;
    /** Left out by code that builds a config by hand (tests): 30 s. */
    retry_max_delay?: number;
  };
}

/** JSON Schema of the file, for editor completion (what a user writes: durations as strings). */
export function gatewayConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(gatewayConfigSchema, { io: "input" }) as Record<string, unknown>;
}

/**
 * Rules across devices: ids are unique, and no two devices share one Modbus address. `indexOf` maps a
 * position in `devices` to its index in the file (when only the valid devices are checked).
 */
export function crossCheckDevices(
  devices: DeviceConfig[],
  indexOf: (i: number) => number = (i) => i,
): Problem[] {
  const problems: Problem[] = [];
  const ids = new Map<string, number>();
  const addresses = new Map<string, number>();
  devices.forEach((device, at) => {
    const i = indexOf(at);
    const firstWithId = ids.get(device.id);
    if (firstWithId === undefined) ids.set(device.id, i);
    else
      problems.push({
        path: formatPath(["devices", i, "id"]),
        message: `"${device.id}" is already the id of devices.${firstWithId}`,
      });
    const address = device.serial
      ? `${device.serial.path} unit ${device.unit}`
      : `${device.host?.toLowerCase()}:${device.port} unit ${device.unit}`;
    const firstAtAddress = addresses.get(address);
    if (firstAtAddress === undefined) addresses.set(address, i);
    else {
      problems.push({
        path: formatPath(["devices", i]),
        message: `same host, port and unit as devices.${firstAtAddress} (${address}): one device would be read twice`,
      });
    }
  });
  return problems;
}

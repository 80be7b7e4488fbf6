/**
 * MQTT devices: the broker the gateway subscribes to (the institution's own, or one the gateway embeds),
 * and the devices whose JSON payloads it maps to readings through a profile (gateway/profiles/mqtt/).
 * Whether a device's profile exists and is valid is checked when the config is loaded, by the one profile
 * loader (profiles/config-check.ts), as for Modbus profiles; whether it allows the device's role, when the
 * devices start (gateway/src/mqtt/devices.ts).
 */
import { idSchema, strictObject } from "@jisr/core";
import { z } from "zod";
import { ROLES } from "../profiles/mqtt-schema.js";
import { durationSchema } from "./duration.js";

/** True when `zone` is an IANA time zone this Node knows (Intl throws a RangeError otherwise). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const portSchema = z
  .number()
  .int("must be a whole number")
  .min(1, "must be between 1 and 65535")
  .max(65_535, "must be between 1 and 65535");

export const mqttDeviceSchema = strictObject({
  id: idSchema.describe("Device id, unique in this gateway; becomes the `device` tag of its points."),
  profile: z
    .string()
    .min(1, "must not be empty")
    .describe(
      'Payload profile: a built-in name ("shelly-gen2", "tasmota", "opendtu") or the path of a .yaml file ' +
        "(relative to this file).",
    ),
  topic: z
    .string()
    .min(1, "must not be empty")
    .regex(/^[^#+]+$/, "must be a plain topic, without the wildcards + or #")
    .refine(
      (t) => !t.startsWith("/") && !t.endsWith("/") && !t.includes("//"),
      "must not have an empty level (a leading, trailing or double /)",
    )
    .describe(
      'The device\'s own topic: Shelly "shellypro3em-abc123" (its topic prefix), Tasmota "tasmota_8A1B2C" ' +
        '(its %topic%), OpenDTU "solar/116180400123" (base topic / inverter serial).',
    ),
  role: z
    .enum(ROLES, { error: `must be ${ROLES.map((r) => `"${r}"`).join(" or ")}` })
    .optional()
    .describe(
      "What the device measures: grid_meter (the grid connection) or pv_inverter (the output of an " +
        "inverter). Default: the profile's first role.",
    ),
  time_zone: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone, e.g. "Africa/Casablanca"')
    .optional()
    .describe(
      "Time zone of the device's clock, for payload times written without a UTC offset (Tasmota's " +
        '"Time"). Without it such payloads are stamped with the time they were received.',
    ),
}).describe("A device that publishes JSON on an MQTT broker.");

export const embeddedBrokerSchema = strictObject({
  host: z
    .string()
    .min(1, "must not be empty")
    .default("0.0.0.0")
    .describe("Address the embedded broker listens on (0.0.0.0: every interface, so devices can reach it)."),
  port: portSchema.default(1883).describe("TCP port of the embedded broker (MQTT's usual port is 1883)."),
}).describe(
  "Run a small MQTT 3.1.1 broker inside the gateway (for a site without one, or the demo); devices are " +
    "then pointed at the gateway's address. No TLS and no passwords: keep it on the site's own network.",
);

export const mqttSchema = strictObject({
  url: z
    .url({ protocol: /^mqtts?$/, error: "must be an mqtt:// or mqtts:// URL, e.g. mqtt://192.168.1.10:1883" })
    .optional()
    .describe("The broker the devices publish to. Leave it out when `embedded` is set."),
  embedded: embeddedBrokerSchema.optional(),
  username: z.string().optional().describe("Broker user name, if the broker asks for one."),
  password: z.string().optional().describe("Broker password, if the broker asks for one."),
  client_id: z
    .string()
    .min(1, "must not be empty")
    .max(64, "must be at most 64 characters")
    .optional()
    .describe(
      "MQTT client id. When set, the gateway keeps a persistent session, so QoS 1 messages published " +
        "while it was away are delivered when it comes back; it must then be unique on the broker.",
    ),
  max_clock_skew: durationSchema(1000, 86_400_000)
    .prefault("10m")
    .describe(
      "A payload time further than this from the gateway's clock is not trusted (device clock not set): " +
        "the reading is stamped with the time it was received instead, and counted.",
    ),
  reconnect_max_delay: durationSchema(1000, 600_000)
    .prefault("30s")
    .describe(
      "Longest wait between two attempts to reach the broker (1 s doubling up to this, jittered): the " +
        "devices' readings flow again within this delay of the broker coming back.",
    ),
  devices: z.array(mqttDeviceSchema).default([]).describe("Devices read through this broker."),
})
  .superRefine((mqtt, ctx) => {
    if ((mqtt.url === undefined) === (mqtt.embedded === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "give either url (a broker of the site) or embedded (the gateway's own broker), not both",
        path: mqtt.url === undefined ? ["url"] : ["embedded"],
      });
    }
    const seen = new Map<string, number>();
    mqtt.devices.forEach((device, i) => {
      const first = seen.get(device.id);
      if (first === undefined) seen.set(device.id, i);
      else
        ctx.addIssue({
          code: "custom",
          message: `"${device.id}" is already the id of mqtt.devices.${first}`,
          path: ["devices", i, "id"],
        });
    });
  })
  .describe("MQTT devices (optional).");

/** As parsed; reconnect_max_delay may be left out by code that builds a config by hand (tests). */
export type MqttConfig = Omit<z.output<typeof mqttSchema>, "reconnect_max_delay"> & {
  reconnect_max_delay?: number;
};
export type MqttDeviceConfig = z.output<typeof mqttDeviceSchema>;
export type EmbeddedBrokerConfig = z.output<typeof embeddedBrokerSchema>;

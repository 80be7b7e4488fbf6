/** MQTT devices: a broker the gateway subscribes to, and the devices whose payloads it maps to readings. */
import { idSchema } from "@jisr/core";
import { z } from "zod";

export const mqttDeviceSchema = z
  .strictObject({
    id: idSchema.describe("Device id, unique in this gateway; becomes the `device` tag of its points."),
    profile: z
      .string()
      .min(1, "must not be empty")
      .describe(
        'Payload profile: a built-in name (e.g. "shelly-gen2", "tasmota", "opendtu") or a .yaml file.',
      ),
    topic: z
      .string()
      .min(1, "must not be empty")
      .describe('The device\'s base topic, e.g. "shellypro3em-abc123" or "tele/boiler".'),
  })
  .describe("A device that publishes JSON on an MQTT broker.");

export const mqttSchema = z
  .strictObject({
    url: z
      .url({ protocol: /^mqtts?$/, error: "must be an mqtt:// or mqtts:// URL, e.g. mqtt://127.0.0.1:1883" })
      .describe('The broker the devices publish to; "embedded" brokers are started by the gateway itself.'),
    username: z.string().optional().describe("Broker user name, if the broker asks for one."),
    password: z.string().optional().describe("Broker password, if the broker asks for one."),
    devices: z.array(mqttDeviceSchema).default([]).describe("Devices read through this broker."),
  })
  .describe("MQTT devices (optional).");

export type MqttConfig = z.output<typeof mqttSchema>;
export type MqttDeviceConfig = z.output<typeof mqttDeviceSchema>;

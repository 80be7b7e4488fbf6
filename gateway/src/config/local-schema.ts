/**
 * The gateway's life on site when the link is down for days (issue 13, "weeks alone"): the local page
 * (`local_page`) and the local alerts (`local_alerts`) sent to a recipient on the institution's network.
 * Both are optional; left out, nothing of them is loaded.
 */

import { strictObject } from "@jisr/core";
import { z } from "zod";
import { durationSchema } from "./duration.js";

const hostSchema = z
  .string()
  .min(1, "must not be empty")
  .regex(/^[A-Za-z0-9._:-]+$/, "must be a host name or an IP address, e.g. 192.168.1.50");

export const localPageSchema = strictObject({
  host: hostSchema.default("0.0.0.0").describe("Address to listen on (0.0.0.0: the whole LAN)."),
  port: z
    .number()
    .int("must be a whole number")
    .min(0, "must be between 0 and 65535")
    .max(65_535, "must be between 0 and 65535")
    .default(8080)
    .describe("TCP port of the page (0: any free port)."),
  price_mad_per_kwh: z
    .number()
    .positive("must be a price above 0, in MAD per kWh")
    .max(20, "must be at most 20 MAD per kWh")
    .optional()
    .describe(
      "Price of a grid kWh the PV replaces (MAD, taxes included), for the page's savings estimate: " +
        "today's PV × this price. Left out: no estimate shown. The exact figure (tariff tranches, bills) " +
        "is the central reports'.",
    ),
})
  .optional()
  .describe(
    "A small read-only page on the institution's network (fr/ar/en): today's PV and savings estimate, " +
      "hot water, devices online, readings waiting to be sent. Left out: no page.",
  );

const HHMM = /^([01]\d|2[0-4]):([0-5]\d)$/;
const minutesOf = (hhmm: string) => {
  const m = HHMM.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
};

const windowSchema = strictObject({
  start: z.string().regex(HHMM, 'must be a local time "HH:MM", e.g. "06:00"'),
  end: z.string().regex(HHMM, 'must be a local time "HH:MM", e.g. "09:00" ("24:00": midnight)'),
}).superRefine((w, ctx) => {
  if (!(minutesOf(w.end) > minutesOf(w.start)) || minutesOf(w.end) > 24 * 60)
    ctx.addIssue({
      code: "custom",
      path: ["end"],
      message: "must end after it starts, at 24:00 at the latest (a window cannot cross midnight: split it)",
    });
});

export const localAlertsSchema = strictObject({
  language: z
    .enum(["fr", "ar", "en"], { error: "must be fr, ar or en" })
    .default("fr")
    .describe("Language of the alert texts (the central alerts' texts: @jisr/core/alert-texts)."),
  mqtt: strictObject({
    url: z
      .url({ protocol: /^mqtts?$/, error: "must be an mqtt:// or mqtts:// URL of a broker on the LAN" })
      .describe("Broker on the institution's network, e.g. mqtt://192.168.1.10:1883."),
    topic: z
      .string()
      .min(1, "must not be empty")
      .regex(/^[^#+]+$/, "must be a topic to publish on, without wildcards (+ or #)")
      .default("jisr/alerts")
      .describe("Topic the alerts are published on (QoS 1, not retained), one JSON message per change."),
    username: z.string().min(1, "must not be empty").optional(),
    password: z.string().min(1, "must not be empty").optional(),
  })
    .optional()
    .describe("Publish the alerts to an MQTT topic (a home automation box, a panel, a sounder)."),
  webhook: strictObject({
    url: z
      .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL on the LAN" })
      .describe("Each alert is POSTed there as JSON, e.g. http://192.168.1.20:8080/alerts."),
    timeout: durationSchema(500, 60_000).prefault("5s").describe("How long one POST may take."),
  })
    .optional()
    .describe("POST the alerts to a web service on the LAN (a messaging gateway, a local server)."),
  offline_after: durationSchema(1000, 86_400_000)
    .prefault("5m")
    .describe("A device that has not answered for this long is reported offline."),
  clear_after: durationSchema(0, 3_600_000)
    .prefault("2m")
    .describe(
      "An alert is cleared only once its cause has been gone this long: a flapping device or sensor " +
        "raises one alert and clears it once, not a message per flap.",
    ),
  fault_states: z
    .array(z.string().min(1, "must not be empty"))
    .default(["FAULT", "SHUTDOWN_FAULT"])
    .describe("pv_inverter.state values that are a fault (as the central inverter_fault rule's)."),
  hot_water: strictObject({
    service_temperature_c: z
      .number()
      .min(30, "must be between 30 and 70 °C")
      .max(70, "must be between 30 and 70 °C")
      .default(45)
      .describe("Hot water is available at or above this (the central swh_tank_cold rule's default)."),
    fields: z
      .array(z.string().min(1))
      .min(1, "must list at least one field")
      .default(["outlet_temperature_c", "tank_top_temperature_c"])
      .describe("The first of these hot_water fields a device reports is its service temperature."),
    for: durationSchema(0, 4 * 3_600_000)
      .prefault("20m")
      .describe("Below the service temperature this long inside a demand window raises the alert."),
    demand_windows: z
      .array(windowSchema)
      .min(1, "must have at least one window")
      .default([
        { start: "06:00", end: "09:00" },
        { start: "18:00", end: "22:00" },
      ])
      .describe("When residents draw hot water, local time; outside them the tank is not judged."),
    time_zone: z.string().min(1).default("Africa/Casablanca").describe("Zone of the demand windows."),
  })
    .prefault({})
    .describe("Cold hot water: the central swh_tank_cold rule, judged on site."),
})
  .superRefine((a, ctx) => {
    if (!a.mqtt && !a.webhook)
      ctx.addIssue({
        code: "custom",
        message:
          "must name a recipient: mqtt (a topic on a LAN broker) or webhook (a URL on the LAN), or both",
      });
  })
  .optional()
  .describe(
    "Alerts raised by the gateway itself, on site, for an inverter fault, an offline device and cold hot " +
      "water, with the central alerts' texts: they reach the staff even when the Internet link is down.",
  );

export type LocalPageConfig = NonNullable<z.output<typeof localPageSchema>>;
export type LocalAlertsConfig = NonNullable<z.output<typeof localAlertsSchema>>;
export type DemandWindow = z.output<typeof windowSchema>;

/** Minutes since local midnight of "HH:MM" ("24:00" is 1440). */
export function windowMinutes(hhmm: string): number {
  return minutesOf(hhmm);
}

/**
 * What the rules need to know about an institution, as written in a config file (snake_case), parsed
 * into the `SiteInfo` the rules take. The engine may build SiteInfo from elsewhere (the analytics
 * institutions file has the location); this schema is for sites described in the alerting config.
 */
import { idSchema, isTimeZone, MOROCCO_TZ, strictObject } from "@jisr/core";
import { z } from "zod";
import type { SiteInfo } from "../types.js";
import { bounded } from "./zod-helpers.js";

const inverterSchema = strictObject({
  kwp: bounded(0.1, 10_000, "kWp").describe("DC nameplate of the array behind the inverter, kWp."),
  tilt_deg: bounded(0, 90, "°").default(30).describe("Tilt of the modules from horizontal."),
  azimuth_deg: bounded(0, 360, "°").default(180).describe("Azimuth the modules face, clockwise from north."),
  ac_rating_w: bounded(100, 10_000_000, "W")
    .optional()
    .describe("AC rating, W (clipping); default kWp × 1000 / 1.1."),
  inputs: z
    .record(
      z.string().regex(/^[0-9A-Za-z_-]+$/, "must be an mppt or string tag value"),
      bounded(0.01, 10_000, "kWp"),
    )
    .optional()
    .describe('MPPT inputs or strings that carry modules, with their kWp, e.g. { "1": 2.5, "2": 2.5 }.'),
});

export const siteSchema = strictObject({
  latitude: bounded(-90, 90, "°").default(32.23).describe("Latitude, degrees north (Ben Guerir 32.23)."),
  longitude: bounded(-180, 180, "°").default(-7.95).describe("Longitude, degrees east (Ben Guerir −7.95)."),
  time_zone: z
    .string()
    .default(MOROCCO_TZ)
    .refine(isTimeZone, "must be an IANA time zone, e.g. Africa/Casablanca")
    .describe("Zone of local days and demand windows."),
  gateways: z
    .array(idSchema)
    .default([])
    .describe("Gateway ids (gateway_health `device` tag) expected to report."),
  devices: z.array(idSchema).default([]).describe("Other devices expected to report."),
  inverters: z.record(idSchema, inverterSchema).default({}).describe("PV inverters by device id."),
  solar_water_heaters: z
    .record(
      idSchema,
      strictObject({ heat_meter: idSchema.optional().describe("Its heat meter's device id.") }),
    )
    .default({})
    .describe("Solar water heaters (hot_water) by device id."),
  irradiance_sensor: idSchema
    .optional()
    .describe("Device whose weather.irradiance_w_per_m2 is measured in the plane of the PV array."),
});

export type SiteInput = z.input<typeof siteSchema>;

/** A parsed site section → SiteInfo. Throws zod's error when `raw` does not validate. */
export function toSiteInfo(raw: unknown): SiteInfo {
  const s = siteSchema.parse(raw);
  return {
    latDeg: s.latitude,
    lonDeg: s.longitude,
    timeZone: s.time_zone,
    gateways: s.gateways,
    devices: s.devices,
    inverters: Object.fromEntries(
      Object.entries(s.inverters).map(([id, inv]) => [
        id,
        {
          kwp: inv.kwp,
          tiltDeg: inv.tilt_deg,
          azimuthDeg: inv.azimuth_deg,
          ...(inv.ac_rating_w !== undefined && { acRatingW: inv.ac_rating_w }),
          ...(inv.inputs !== undefined && { inputs: inv.inputs }),
        },
      ]),
    ),
    solarWaterHeaters: Object.fromEntries(
      Object.entries(s.solar_water_heaters).map(([id, h]) => [
        id,
        h.heat_meter !== undefined ? { heatMeter: h.heat_meter } : {},
      ]),
    ),
    ...(s.irradiance_sensor !== undefined && { irradianceSensor: s.irradiance_sensor }),
  };
}

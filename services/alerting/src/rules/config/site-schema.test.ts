import { describe, expect, it } from "vitest";
import { siteSchema, toSiteInfo } from "./site-schema.js";

describe("siteSchema / toSiteInfo", () => {
  it("defaults to Ben Guerir in Africa/Casablanca, and maps snake_case to the rules' SiteInfo", () => {
    const site = toSiteInfo({
      gateways: ["gw-1"],
      inverters: { "inv-1": { kwp: 9.9, inputs: { "1": 4.95, "2": 4.95 } } },
      solar_water_heaters: { "swh-1": { heat_meter: "hm-1" }, "swh-2": {} },
      irradiance_sensor: "wx-1",
    });
    expect(site).toEqual({
      latDeg: 32.23,
      lonDeg: -7.95,
      timeZone: "Africa/Casablanca",
      gateways: ["gw-1"],
      devices: [],
      inverters: { "inv-1": { kwp: 9.9, tiltDeg: 30, azimuthDeg: 180, inputs: { "1": 4.95, "2": 4.95 } } },
      solarWaterHeaters: { "swh-1": { heatMeter: "hm-1" }, "swh-2": {} },
      irradianceSensor: "wx-1",
    });
  });

  it("refuses typos, bad ids and impossible values, by path", () => {
    const r = siteSchema.safeParse({
      time_zone: "Mars/Olympus",
      inverters: { "Inv 1": { kwp: 0 }, "inv-2": { kwp: 5, tilt: 30 } },
    });
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(paths).toEqual(expect.arrayContaining(["time_zone", "inverters.Inv 1", "inverters.inv-2"]));
  });
});

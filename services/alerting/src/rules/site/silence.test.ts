import { describe, expect, it } from "vitest";
import { active, at, config, every, HOUR, input, MIN, reading, site } from "../testing/fixtures.js";
import { deviceSilent, siteSilent } from "./silence.js";

const health = (from: number, to: number, gw = "gw-1") =>
  every(from, to, MIN, (t) => reading("gateway_health", gw, t, { queue_points: 0, oldest_queued_age_s: 0 }));
const data = (device: string, from: number, to: number, measurement = "hot_water") =>
  every(from, to, MIN, (t) => reading(measurement, device, t, { tank_top_temperature_c: 55 }));

describe("site_silent", () => {
  const now = at(11);

  it("fires when the gateway's last health reading is older than 15 min, with since = last seen", () => {
    const results = siteSilent(input(health(now - 2 * HOUR, now - 20 * MIN), now), config());
    expect(results).toHaveLength(1);
    const [r] = results;
    expect(r?.active).toBe(true);
    expect(r?.severity).toBe("critical");
    expect(r?.device).toBe("gw-1");
    expect(r?.since).toBe(now - 21 * MIN);
    expect(r?.evidence.silent_min).toEqual({ value: 21, unit: "min" });
    expect(r?.summary).toEqual({
      key: "site_silent.silent",
      params: { institution: "foyer-test", device: "gw-1", silent_min: 21 },
    });
    expect(r?.action.key).toBe("check_site_power_and_internet");
  });

  it("stays quiet at exactly 15 min (the threshold is 'older than'), fires at 16", () => {
    expect(siteSilent(input(health(now - HOUR, now - 14 * MIN), now), config())[0]?.active).toBe(false);
    expect(siteSilent(input(health(now - HOUR, now - 15 * MIN), now), config())[0]?.active).toBe(true);
  });

  it("fires for a declared gateway never seen in a window longer than the threshold", () => {
    const r = siteSilent(input([], now, { from: now - 2 * HOUR }), config());
    expect(r[0]?.active).toBe(true);
    expect(r[0]?.since).toBeUndefined();
    expect(r[0]?.evidence.seen_in_window).toEqual({ value: false, unit: "" });
  });

  it("says nothing when the window is too short to tell, or the rule is off", () => {
    expect(siteSilent(input([], now, { from: now - 5 * MIN }), config())).toEqual([]);
    expect(
      siteSilent(
        input([], now),
        config((c) => (c.site_silent.enabled = false)),
      ),
    ).toEqual([]);
  });

  it("judges every gateway seen, declared or not", () => {
    const readings = [...health(now - HOUR, now), ...health(now - HOUR, now - 30 * MIN, "gw-2")];
    const r = siteSilent(input(readings, now), config());
    expect(r.map((x) => [x.device, x.active])).toEqual([
      ["gw-1", false],
      ["gw-2", true],
    ]);
  });
});

describe("device_silent", () => {
  const now = at(11);

  it("fires for a device that stopped while the gateway reports, with the gateway's device_health", () => {
    const readings = [
      ...health(now - 3 * HOUR, now),
      ...data("swh-1", now - 3 * HOUR, now - HOUR),
      reading("device_health", "swh-1", now - MIN, {
        online: false,
        errors_total: 57,
        last_error: "Timed out",
        last_success_age_s: 3600,
      }),
    ];
    const r = active(deviceSilent(input(readings, now, { site: site({ inverters: {} }) }), config()));
    expect(r.map((x) => x.device)).toEqual(["swh-1"]);
    expect(r[0]?.evidence).toMatchObject({
      online: { value: false },
      last_error: { value: "Timed out" },
      errors_total: { value: 57 },
      last_success_age_min: { value: 60, unit: "min" },
    });
    expect(r[0]?.since).toBe(now - HOUR - MIN);
  });

  it("is healthy when data flows, and just under the 30 min threshold", () => {
    const readings = [...health(now - HOUR, now), ...data("swh-1", now - HOUR, now - 29 * MIN)];
    const r = deviceSilent(input(readings, now, { site: site({ inverters: {} }) }), config());
    expect(r.map((x) => [x.device, x.active])).toEqual([["swh-1", false]]);
  });

  it("does not count an inverter's night as silence, but counts the daylight it missed", () => {
    const s = site({ solarWaterHeaters: {} });
    // Stopped at 19:45 local, judged at 05:30 next morning (sun still down): not silent.
    const dusk = data("inv-1", at(6), at(19, 45), "pv_inverter");
    const dawn = at(5, 30, 1);
    const night = deviceSilent(input([...health(at(6), dawn), ...dusk], dawn, { site: s }), config());
    expect(night.map((x) => [x.device, x.active])).toEqual([["inv-1", false]]);
    // At 10:00 next day it should have woken up long ago.
    const late = at(10, 0, 1);
    const day = deviceSilent(input([...health(at(6), late), ...dusk], late, { site: s }), config());
    expect(day.map((x) => [x.device, x.active])).toEqual([["inv-1", true]]);
    // Without the night allowance, the same night is a silence.
    const strict = config((c) => (c.device_silent.inverters_sleep_at_night = false));
    expect(
      active(deviceSilent(input([...health(at(6), dawn), ...dusk], dawn, { site: s }), strict)),
    ).toHaveLength(1);
  });

  it("keeps quiet about devices while the whole site is silent (the site alert says it all)", () => {
    const readings = [...health(now - 3 * HOUR, now - HOUR), ...data("swh-1", now - 3 * HOUR, now - HOUR)];
    expect(deviceSilent(input(readings, now), config())).toEqual([]);
    expect(active(siteSilent(input(readings, now), config()))).toHaveLength(1);
  });

  it("flags a declared device never seen in the window", () => {
    const s = site({ inverters: {}, solarWaterHeaters: {}, devices: ["meter-1"] });
    const r = deviceSilent(
      input(health(now - 2 * HOUR, now), now, { site: s, from: now - 2 * HOUR }),
      config(),
    );
    expect(r.map((x) => [x.device, x.active])).toEqual([["meter-1", true]]);
  });
});

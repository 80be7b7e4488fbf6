import type { Point } from "@jisr/core";
import { CATALOGUES } from "@jisr/core/alert-texts";
import { describe, expect, it } from "vitest";
import { localAlertsSchema } from "../config/local-schema.js";
import { type DeviceView, LocalAlerts } from "./alerts.js";

const config = (extra: Record<string, unknown> = {}) => {
  const parsed = localAlertsSchema.parse({
    webhook: { url: "http://192.168.1.20/alerts" },
    offline_after: "1m",
    clear_after: "2m",
    hot_water: { demand_windows: [{ start: "06:00", end: "09:00" }], for: "20m" },
    ...extra,
  });
  if (!parsed) throw new Error("no config");
  return parsed;
};
const who = { institution: "ehpad-ben-guerir", gateway_id: "gw-1" };
// 5 Dec 2026, 07:00 UTC = 08:00 in Casablanca (UTC+1): inside the 06:00-09:00 window.
const T = Date.UTC(2026, 11, 5, 7, 0);
const MIN = 60_000;
const inverter = (time: number, state: string): Point => ({
  measurement: "pv_inverter",
  tags: { institution: who.institution, device: "inv-1" },
  fields: { state, power_w: 0 },
  time,
});
const tank = (time: number, c: number): Point => ({
  measurement: "hot_water",
  tags: { institution: who.institution, device: "swh-1" },
  fields: { tank_top_temperature_c: c },
  time,
});
const online: DeviceView[] = [{ id: "inv-1", state: "online", since: T - 60 * MIN }];

describe("local alerts", () => {
  it("raises an inverter fault once with the central texts, and clears it once after clear_after", () => {
    const alerts = new LocalAlerts(config({ language: "fr" }), who);
    alerts.record([inverter(T, "FAULT")]);
    const raised = alerts.evaluate(T, online);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({
      key: "inverter_fault:inv-1",
      status: "firing",
      severity: "critical",
      summary: CATALOGUES.fr.summaries["inverter_fault.fault_state"]
        ?.replace("{device}", "inv-1")
        .replace("{state}", "FAULT"),
      action: CATALOGUES.fr.actions.read_inverter_display_and_restart,
    });
    expect(raised[0]?.text).toContain("Critique");
    // Still in fault, and flapping back and forth within clear_after: no new message.
    for (let i = 1; i <= 6; i++) {
      alerts.record([inverter(T + i * 10_000, i % 2 ? "MPPT" : "FAULT")]);
      expect(alerts.evaluate(T + i * 10_000, online)).toEqual([]);
    }
    alerts.record([inverter(T + 70_000, "MPPT")]);
    expect(alerts.evaluate(T + 70_000 + MIN, online)).toEqual([]);
    const cleared = alerts.evaluate(T + 70_000 + 2 * MIN, online);
    expect(cleared.map((m) => [m.key, m.status])).toEqual([["inverter_fault:inv-1", "resolved"]]);
    expect(cleared[0]?.summary).toBe(
      CATALOGUES.fr.summaries["inverter_fault.ok"]?.replace("{device}", "inv-1"),
    );
    expect(alerts.evaluate(T + 10 * MIN, online)).toEqual([]);
  });

  it("reports a device offline for offline_after, in Arabic, and clears it when it answers again", () => {
    const alerts = new LocalAlerts(config({ language: "ar" }), who);
    const off = (since: number): DeviceView[] => [
      { id: "inv-1", state: "offline", since, last_success_at: since - 10_000 },
    ];
    expect(alerts.evaluate(T + 30_000, off(T))).toEqual([]);
    const raised = alerts.evaluate(T + 5 * MIN, off(T));
    expect(raised.map((m) => m.key)).toEqual(["device_silent:inv-1"]);
    expect(raised[0]?.language).toBe("ar");
    expect(raised[0]?.summary).toContain("inv-1");
    expect(raised[0]?.summary).toMatch(/[\u0600-\u06ff]/);
    expect(raised[0]?.summary).toContain("5");
    const back: DeviceView[] = [{ id: "inv-1", state: "online", since: T + 6 * MIN }];
    expect(alerts.evaluate(T + 6 * MIN, back)).toEqual([]);
    expect(alerts.evaluate(T + 8 * MIN, back).map((m) => m.status)).toEqual(["resolved"]);
  });

  it("raises cold hot water only after `for` inside a demand window, and never outside one", () => {
    const alerts = new LocalAlerts(config({ language: "en" }), who);
    alerts.record([tank(T, 38)]);
    expect(alerts.evaluate(T + 10 * MIN, online)).toEqual([]);
    alerts.record([tank(T + 21 * MIN, 37.6)]);
    const raised = alerts.evaluate(T + 21 * MIN, online);
    expect(raised.map((m) => m.summary)).toEqual([
      "Hot water of swh-1 at 38 °C in the demand window 06:00-09:00 (service temperature 45 °C)",
    ]);
    // 10:00 local: outside the window, the tank is not judged, even when warm again.
    const later = Date.UTC(2026, 11, 5, 9, 0);
    alerts.record([tank(later, 55)]);
    expect(alerts.evaluate(later + 5 * MIN, online)).toEqual([]);
    expect(alerts.active().map((a) => a.key)).toEqual(["swh_tank_cold:swh-1"]);
  });

  it("refuses a config without a recipient, naming what is missing", () => {
    const parsed = localAlertsSchema.safeParse({ language: "fr" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/mqtt .* or webhook/);
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadInventory } from "@jisr/core/inventory";
import { DEPLOY_INVENTORY, LEGACY_ALERTING } from "@jisr/core/testing";
import { describe, expect, it } from "vitest";
import { alertingConfigFromInventory } from "./from-inventory.js";
import { loadAlertingConfig } from "./load.js";

/** The compose stack's settings file, beside its inventory. */
const SETTINGS = readFileSync(join(DEPLOY_INVENTORY, "../alerting/settings.yaml"), "utf8");
const ENV = { JISR_ALERTING_WEB_TOKEN: `jisr_${"a".repeat(43)}` };

describe("the alerting config from an inventory and a settings file", () => {
  it("is what the pre-inventory alerting.yaml gave, deep-equal", () => {
    const fromFile = loadAlertingConfig(LEGACY_ALERTING, { env: ENV });
    const fromInventory = alertingConfigFromInventory(loadInventory(DEPLOY_INVENTORY), {
      text: SETTINGS,
      baseDir: "/",
      env: ENV,
    });
    expect(fromInventory).toEqual(fromFile);
  });

  it("refuses institutions in the settings file: they come from the inventory", () => {
    expect(() =>
      alertingConfigFromInventory(loadInventory(DEPLOY_INVENTORY), { text: `${SETTINGS}institutions: []\n` }),
    ).toThrow(/institutions: comes from the inventory/);
  });

  it("makes recipients of the contacts whose role the programme notifies, one per person", () => {
    const inventory = loadInventory(DEPLOY_INVENTORY);
    const [site] = inventory.institutions;
    if (!site) throw new Error("one institution");
    inventory.programme.alerts = { notify_roles: ["technician"], min_severity: "major" };
    site.contacts = [
      { id: "amina", name: "Amina", role: "technician", language: "ar", email: "amina@example.org" },
      { id: "driss", name: "Driss", role: "manager", language: "fr", email: "driss@example.org" },
    ];
    const smtp = "delivery:\n  smtp: { host: 127.0.0.1, from: alertes@example.org }\n";
    const config = alertingConfigFromInventory(inventory, { text: smtp, baseDir: "/" });
    expect(config.recipients).toEqual([
      {
        id: "amina",
        name: "Amina",
        language: "ar",
        institutions: ["demo-ben-guerir"],
        min_severity: "major",
        channels: { email: "amina@example.org" },
      },
    ]);
    // Without an SMTP server the alerting loader refuses e-mail recipients, as it does for alerting.yaml.
    expect(() => alertingConfigFromInventory(inventory, { text: "", baseDir: "/" })).toThrow(
      /recipients\.0\.channels\.email: needs delivery\.smtp/,
    );
  });
});

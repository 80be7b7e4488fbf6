/** A simulated device's link going down and up, as the fault control drives it, including overlapping calls. */

import { describe, expect, it } from "vitest";
import { tcpAccepts } from "../../test/servers/free-port.js";
import { startProfileDevice } from "./profile-device/index.js";
import { startSunspecInverter } from "./sunspec-inverter.js";

const devices = {
  "SunSpec inverter": () => startSunspecInverter({ port: 0, tickMs: 0 }),
  "profile device": () => startProfileDevice({ profile: "eastron-sdm630", tickMs: 0 }),
};

for (const [name, start] of Object.entries(devices)) {
  describe(`${name}: communication loss`, () => {
    it("goes silent and comes back on the same port, even when told twice at once", async () => {
      const device = await start();
      try {
        await device.setOnline(false);
        expect([device.online, await tcpAccepts(device.port)]).toEqual([false, false]);
        await Promise.all([device.setOnline(true), device.setOnline(true)]);
        expect([device.online, await tcpAccepts(device.port)]).toEqual([true, true]);
      } finally {
        await device.close();
      }
    });

    it("leaves nothing listening when closed while coming back", async () => {
      const device = await start();
      await device.setOnline(false);
      const back = device.setOnline(true);
      await device.close();
      await back;
      expect(await tcpAccepts(device.port)).toBe(false);
    });
  });
}

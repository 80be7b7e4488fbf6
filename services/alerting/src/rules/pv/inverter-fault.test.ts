import { describe, expect, it } from "vitest";
import { at, config, every, input, MIN, reading } from "../testing/fixtures.js";
import { inverterFault } from "./inverter-fault.js";

const now = at(11);
const inverter = (fields: (t: number) => Record<string, string | number>, device = "inv-1") =>
  every(now - 30 * MIN, now + 1, MIN, (t) => reading("pv_inverter", device, t, { power_w: 0, ...fields(t) }));

describe("inverter_fault", () => {
  it("is healthy in MPPT with no events", () => {
    const r = inverterFault(
      input(
        inverter(() => ({ state: "MPPT", events: "", event_bits: 0 })),
        now,
      ),
      config(),
    );
    expect(r.map((x) => [x.device, x.active])).toEqual([["inv-1", false]]);
  });

  it("fires critical on the SunSpec FAULT state, naming state and events, since the first fault reading", () => {
    const readings = inverter((t) =>
      t >= now - 12 * MIN
        ? { state: "FAULT", events: "OVER_TEMP", event_bits: 128 }
        : { state: "MPPT", events: "", event_bits: 0 },
    );
    const [r] = inverterFault(input(readings, now), config());
    expect(r?.active).toBe(true);
    expect(r?.severity).toBe("critical");
    expect(r?.summary.key).toBe("inverter_fault.fault_state");
    expect(r?.evidence).toMatchObject({
      state: { value: "FAULT" },
      events: { value: ["OVER_TEMP"] },
      event_bits: { value: 128 },
    });
    expect(r?.since).toBe(now - 12 * MIN);
    expect(r?.action.key).toBe("read_inverter_display_and_restart");
  });

  it("grades Evt1 events by the config: GROUND_FAULT critical, CABINET_OPEN minor, others major", () => {
    const grade = (events: string) =>
      inverterFault(
        input(
          inverter(() => ({ state: "MPPT", events })),
          now,
        ),
        config(),
      )[0];
    expect(grade("GROUND_FAULT")?.severity).toBe("critical");
    expect(grade("GROUND_FAULT")?.action.key).toBe("inspect_insulation_and_earthing");
    expect(grade("CABINET_OPEN")?.severity).toBe("minor");
    expect(grade("BLOWN_STRING_FUSE,CABINET_OPEN")?.severity).toBe("major");
    expect(grade("GRID_DISCONNECT")?.action.key).toBe("check_grid_connection");
  });

  it("reads Huawei's status and alarms (SHUTDOWN_FAULT, alarm names)", () => {
    const huawei = inverter(() => ({
      state: "SHUTDOWN_FAULT",
      state_code: 0x0300,
      alarms: "GRID_LOSS,LOW_INSULATION_RESISTANCE",
    }));
    const [r] = inverterFault(input(huawei, now), config());
    expect(r?.severity).toBe("critical");
    expect(r?.evidence.events?.value).toEqual(["GRID_LOSS", "LOW_INSULATION_RESISTANCE"]);
    expect(r?.evidence.state_code?.value).toBe(768);
    const standby = inverter(() => ({ state: "STANDBY_NO_IRRADIATION", alarms: "" }));
    expect(inverterFault(input(standby, now), config())[0]?.active).toBe(false);
  });

  it("ignores configured events, and honours custom severities", () => {
    const readings = inverter(() => ({ state: "MPPT", events: "CABINET_OPEN" }));
    expect(
      inverterFault(
        input(readings, now),
        config((c) => c.inverter_fault.ignored_events.push("CABINET_OPEN")),
      )[0]?.active,
    ).toBe(false);
    const custom = config((c) => (c.inverter_fault.event_severity.CABINET_OPEN = "major"));
    expect(inverterFault(input(readings, now), custom)[0]?.severity).toBe("major");
  });

  it("says nothing when the latest reading is older than 15 min (silence is another rule)", () => {
    const old = every(now - 60 * MIN, now - 16 * MIN, MIN, (t) =>
      reading("pv_inverter", "inv-1", t, { state: "FAULT" }),
    );
    expect(inverterFault(input(old, now), config())).toEqual([]);
  });
});

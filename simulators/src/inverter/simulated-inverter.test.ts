import { describe, expect, it } from "vitest";
import { DCEVT_BIT, EVT1_BIT, OPERATING_STATE as ST } from "../sunspec/models.js";
import { SimulatedInverter, type SimulatedInverterOptions } from "./simulated-inverter.js";

/** An inverter on a hand-driven wall clock. */
function make(opts: Partial<SimulatedInverterOptions> & { start: Date }) {
  let wall = 1_700_000_000_000;
  const inv = new SimulatedInverter({
    unit: 1,
    kwp: 10,
    seed: 7,
    clouds: false,
    wallNow: () => wall,
    ...opts,
  });
  return {
    inv,
    advance(ms: number) {
      wall += ms;
      return inv.tick();
    },
  };
}

const JUNE_NOON = new Date("2026-06-21T12:30:00Z");

describe("SimulatedInverter", () => {
  it("serves W = 0 and St OFF at night, and MPPT with power at noon after starting", () => {
    const night = make({ start: new Date("2026-06-21T00:30:00Z") });
    const v = night.inv.tick().values;
    expect(v.W).toBe(0);
    expect(v.St).toBe(ST.OFF);
    expect(v.DCW).toBe(0);
    expect(v.modules.map((m) => m.DCA)).toEqual([0, 0]);

    // The first tick starts as if the inverter had been running all along.
    const noon = make({ start: JUNE_NOON }).inv.tick().values;
    expect(noon.St).toBe(ST.MPPT);
    expect(noon.W).toBeGreaterThan(7500);
  });

  it("wakes up OFF → SLEEPING → STARTING → MPPT at dawn and goes back at dusk", () => {
    const { inv, advance } = make({ start: new Date("2026-06-21T04:00:00Z"), speed: 30 });
    const seen = [inv.tick().values.St];
    // 30 sim seconds per tick, through the whole day.
    for (let i = 0; i < 20 * 120; i++) {
      const st = advance(1000).values.St;
      if (st !== seen.at(-1)) seen.push(st);
    }
    expect(seen).toEqual([ST.OFF, ST.SLEEPING, ST.STARTING, ST.MPPT, ST.SLEEPING, ST.OFF]);
  });

  it("keeps the books consistent: DCW = Σ module DCW, W ≈ 0.96 × DCW, A = Σ phase currents", () => {
    const { inv, advance } = make({ start: JUNE_NOON });
    inv.tick();
    const v = advance(120_000).values;
    expect(v.DCW).toBe((v.modules[0]?.DCW ?? 0) + (v.modules[1]?.DCW ?? 0));
    expect((v.modules[0]?.DCW ?? 0) / v.DCW).toBeCloseTo(0.55, 2);
    expect(v.W / v.DCW).toBeCloseTo(0.96, 2);
    expect(v.A).toBeCloseTo(v.AphA + v.AphB + v.AphC, 6);
    expect(v.AphA * v.PhVphA * 3).toBeCloseTo(v.W, -2);
    for (const m of v.modules) expect(m.DCA * m.DCV).toBeCloseTo(m.DCW, -1);
    expect(v.Hz).toBeGreaterThan(49.9);
    expect(v.Hz).toBeLessThan(50.1);
  });

  it("integrates WH over sim time, never decreasing, close to the day's clear-sky energy", () => {
    const { inv, advance } = make({ start: new Date("2026-03-20T00:00:00Z"), speed: 3600, initialWh: 1e6 });
    let prev = inv.tick().values;
    for (let i = 0; i < 24 * 6; i++) {
      // Ten sim minutes per tick.
      const v = advance(1000 / 6).values;
      expect(v.WH).toBeGreaterThanOrEqual(prev.WH);
      for (const [k, m] of v.modules.entries())
        expect(m.DCWH).toBeGreaterThanOrEqual(prev.modules[k]?.DCWH ?? 0);
      prev = v;
    }
    const dayKwhPerKwp = (inv.state.energyWh - 1e6) / 1000 / 10;
    expect(dayKwhPerKwp).toBeGreaterThan(5);
    expect(dayKwhPerKwp).toBeLessThan(7);
    expect(prev.WH).toBe(Math.floor(inv.state.energyWh));
  });

  it("trips: St FAULT, W 0, Evt1 GROUND_FAULT, and recovers through STARTING", () => {
    const { inv, advance } = make({ start: JUNE_NOON });
    advance(120_000);
    inv.setFault({ trip: true });
    const v = inv.state.values;
    expect(v.St).toBe(ST.FAULT);
    expect(v.W).toBe(0);
    expect(v.Evt1).toBe(1 << EVT1_BIT.GROUND_FAULT);
    expect(v.Evt).toBe(1 << DCEVT_BIT.GROUND_FAULT);
    expect(v.modules.every((m) => m.DCW === 0 && m.DCV > 0)).toBe(true);
    inv.setFault({ trip: false });
    expect(inv.state.values.St).toBe(ST.STARTING);
    expect(advance(61_000).values.St).toBe(ST.MPPT);
  });

  it("loses one MPPT's current on a string failure, the other keeps its share", () => {
    const { inv, advance } = make({ start: JUNE_NOON });
    const healthy = advance(120_000).values;
    inv.setFault({ stringFailure: 1 });
    const v = inv.state.values;
    expect(v.St).toBe(ST.MPPT);
    expect(v.modules[0]).toMatchObject({ DCA: 0, DCW: 0, DCSt: ST.OFF });
    expect(v.modules[1]?.DCW).toBeCloseTo(healthy.modules[1]?.DCW ?? 0, -1);
    expect(v.W).toBeLessThan(healthy.W * 0.5);
  });

  it("serves THROTTLED at the AC rating when the array could give more", () => {
    const { advance } = make({ start: JUNE_NOON, acRatingW: 5000 });
    const v = advance(120_000).values;
    expect(v.St).toBe(ST.THROTTLED);
    expect(v.W).toBe(5000);
  });

  it("reduces output with soiling", () => {
    const { inv, advance } = make({ start: JUNE_NOON });
    const clean = advance(120_000).values.W;
    inv.setFault({ soilingPct: 30 });
    expect(inv.state.values.W / clean).toBeGreaterThan(0.65);
    expect(inv.state.values.W / clean).toBeLessThan(0.75);
  });

  it("records what it served and finds the snapshot in effect at a wall instant", () => {
    const { inv, advance } = make({ start: JUNE_NOON, historySize: 3 });
    const first = inv.tick();
    const snaps = [advance(1000), advance(1000), advance(1000)];
    expect(inv.history.length).toBe(3);
    expect(inv.servedAt(first.at)).toBeUndefined();
    expect(inv.servedAt(snaps[1]?.at ?? 0)).toBe(snaps[1]);
    expect(inv.servedAt((snaps[1]?.at ?? 0) + 999)).toBe(snaps[1]);
    expect(inv.servedAt(Number.MAX_SAFE_INTEGER)).toBe(snaps[2]);
  });

  it("is reproducible: same seed and times give the same registers, with clouds", () => {
    const a = make({ start: new Date("2026-04-02T09:00:00Z"), clouds: true, speed: 60 });
    const b = make({ start: new Date("2026-04-02T09:00:00Z"), clouds: true, speed: 60 });
    for (let i = 0; i < 20; i++) {
      a.advance(5000);
      b.advance(5000);
    }
    expect(Array.from(a.inv.image.bank.regs)).toEqual(Array.from(b.inv.image.bank.regs));
  });
});

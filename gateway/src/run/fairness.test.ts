import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Point } from "@jisr/core";
import { pino } from "pino";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type PymodbusServer, startPymodbus } from "../../../test/servers/pymodbus.js";
import { type PtyPair, startPtyPair } from "../../../test/servers/socat.js";
import { type GatewayConfig, gatewayConfigSchema } from "../config/schema.js";
import { MemoryOutbox } from "../uplink/memory-outbox.js";
import { type RecordingServer, startRecordingServer } from "../uplink/testing/recording-server.js";
import { runGateway } from "./gateway.js";

/**
 * Issue 13, bus fairness: on one RS-485 line (a socat pty pair) pymodbus 3.0 answers units 1, 2 and 3;
 * units 7, 8 and 9 are configured but nobody answers them (a unit switched off, a wrong address), and
 * unit 3 is read at an address it does not have, so it answers every poll with exception 2. Every device
 * is read every 2 s with the default 2 s timeout and 1 retry. Before the fix each silent unit held the
 * line for 2 × 2 s every slot and the healthy units' readings came every 4-6 s.
 *
 * The gaps are measured between the healthy units' readings (their timestamps: the arrival of the
 * answer that carried them), over about 24 s (11 gaps). What the fix changed is the rule: before it a
 * silent unit cost the others a slot at every interval (gaps of 4-6 s, one after another); now they keep
 * their interval. On a machine this busy (the suite runs beside two CPU hogs, pymodbus and socat are
 * ordinary processes) a single slot can still be lost to the scheduler once in a while, so the test
 * checks the rule over the run rather than every single gap: the median gap is the interval (≤ 1.2 ×),
 * at most one gap in the run exceeds 1.5 × interval, and none reaches 2.5 × interval (two slots lost in
 * a row). The old behaviour fails all three.
 *
 * The three cases run at once, each on a line of its own (its own socat pair and pymodbus), so the file
 * takes one run's 24 s instead of three in a row; each line and its gateway are as they were one at a time.
 */

const INTERVAL_MS = 2000;
const RUN_MS = 24_000;

class RecordingOutbox extends MemoryOutbox {
  readonly arrivals = new Map<string, number[]>();
  override enqueue(points: readonly Point[]): void {
    const devices = new Set(
      points.filter((p) => p.measurement === "pv_inverter").map((p) => p.tags.device ?? ""),
    );
    for (const d of devices) {
      const time = points.find((p) => p.tags.device === d)?.time ?? Date.now();
      this.arrivals.set(d, [...(this.arrivals.get(d) ?? []), time]);
    }
    super.enqueue(points);
  }
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - (times[i] as number));
}

/** What breaks the rule above (empty when the unit kept its interval). */
function broken(g: number[], interval: number): string[] {
  const out: string[] = [];
  const sorted = [...g].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  if (median > 1.2 * interval) out.push(`median gap ${median} ms`);
  const long = g.filter((gap) => gap > 1.5 * interval);
  if (long.length > 1) out.push(`${long.length} gaps over 1.5 × interval: ${long.join(", ")} ms`);
  for (const gap of g) if (gap >= 2.5 * interval) out.push(`gap of ${gap} ms: two slots lost`);
  return out;
}

describe("a silent unit on an RS-485 line (socat pty, pymodbus 3.0)", () => {
  let dir: string;
  let ingestion: RecordingServer;
  beforeAll(async () => {
    ingestion = await startRecordingServer();
    dir = mkdtempSync(join(tmpdir(), "jisr-fairness-"));
    // One request per poll: holding 0..1 (pymodbus serves 0..99), and one at 200 (exception 2).
    writeFileSync(
      join(dir, "two-registers.yaml"),
      [
        "products: [{ brand: Test, models: [Two registers] }]",
        "description: { en: Two registers., fr: Deux registres., ar: سجلان. }",
        "protocol: modbus",
        "defaults: { measurement: pv_inverter }",
        "points:",
        "  - { name: w, address: 0, type: uint16, unit: W, field: power_w }",
        "  - { name: v, address: 1, type: uint16, unit: V, field: voltage_v }",
      ].join("\n"),
    );
    writeFileSync(
      join(dir, "missing-register.yaml"),
      [
        "products: [{ brand: Test, models: [Missing register] }]",
        "description: { en: A register the unit lacks., fr: Un registre absent., ar: سجل غير موجود. }",
        "protocol: modbus",
        "defaults: { measurement: pv_inverter }",
        "points:",
        "  - { name: w, address: 200, type: uint16, unit: W, field: power_w }",
      ].join("\n"),
    );
  }, 30_000);
  afterAll(async () => {
    await ingestion?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function config(line: string, silent: number[], dataDir: string): GatewayConfig {
    const serial = { path: line, baud: 9600 };
    const device = (id: string, unit: number, profile: string) => ({
      id,
      unit,
      serial,
      interval: `${INTERVAL_MS}ms`,
      profile: join(dir, profile),
    });
    const file = gatewayConfigSchema.parse({
      institution: "ehpad-ben-guerir",
      uplink: { url: ingestion.url },
      data_dir: dataDir,
      devices: [
        device("healthy-1", 1, "two-registers.yaml"),
        device("healthy-2", 2, "two-registers.yaml"),
        device("exception-3", 3, "missing-register.yaml"),
        ...silent.map((unit) => device(`silent-${unit}`, unit, "two-registers.yaml")),
      ],
    });
    return { ...file, uplink: { ...file.uplink, token: "tok" } };
  }

  // Concurrent: each case asserts with its own `expect` (from its context), so a failure names its case.
  it.concurrent.for([{ silent: [7] }, { silent: [7, 8] }, { silent: [7, 8, 9] }])(
    "keeps the healthy units' interval with silent units $silent and one answering exceptions",
    { timeout: RUN_MS + 60_000 },
    async ({ silent }, { expect }) => {
      let pty: PtyPair | undefined;
      let units: PymodbusServer | undefined;
      try {
        pty = await startPtyPair();
        units = await startPymodbus({ serial: pty.a }, [1, 2, 3]);
        const line = pty.b;
        const outbox = new RecordingOutbox(100_000);
        const dataDir = mkdtempSync(join(dir, "data-"));
        const gateway = await runGateway(config(line, silent, dataDir), {
          outbox,
          logger: pino({ level: "silent" }),
        });
        try {
          await new Promise((resolve) => setTimeout(resolve, RUN_MS));
          const status = gateway.status();
          for (const id of ["healthy-1", "healthy-2"]) {
            const times = outbox.arrivals.get(id) ?? [];
            // 24 s at 2 s: 12 slots; at least 10 readings even on a slow start.
            expect(times.length, id).toBeGreaterThanOrEqual(10);
            expect(broken(gaps(times), INTERVAL_MS), `${id}: gaps ${gaps(times).join(", ")} ms`).toEqual([]);
          }
          const byId = new Map(status.devices.map((d) => [d.id, d]));
          expect(byId.get("exception-3")).toMatchObject({ state: "offline" });
          expect(byId.get("exception-3")?.reason).toMatch(
            /exception 2|ILLEGAL DATA ADDRESS|illegal data address/i,
          );
          for (const unit of silent) {
            const d = byId.get(`silent-${unit}`);
            expect(d).toMatchObject({ state: "offline" });
            // Backed off: first poll (2 attempts), then one attempt at slots 1, 3, 7 (and maybe 15) after it,
            // instead of a poll in each of the 12 slots.
            expect(d?.polls).toBeLessThanOrEqual(5);
            expect(d?.next_retry_at).toBeTypeOf("number");
          }
          // The line's load names a silent unit as the most costly.
          const busLine = status.lines?.[0];
          expect(busLine?.where).toContain(line);
          expect(busLine?.interval_ms).toBe(INTERVAL_MS);
          expect(busLine?.units[0]?.devices[0]).toMatch(/^silent-/);
          expect(busLine?.units[0]?.timeouts).toBeGreaterThan(0);
        } finally {
          await gateway.stop();
        }
      } finally {
        await units?.stop();
        await pty?.stop();
      }
    },
  );
});

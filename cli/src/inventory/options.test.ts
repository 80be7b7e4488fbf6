/**
 * Every part reads the inventory: `--inventory DIR` (JISR_INVENTORY) on the commands of analytics,
 * alerting, reports and web, each converting it at its edge into its own config.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { registerAlertingCommands } from "@jisr/alerting/cli";
import { registerAnalyticsCommands } from "@jisr/analytics/cli";
import { DEPLOY_INVENTORY } from "@jisr/core/testing";
import { registerReportCommands } from "@jisr/reports/cli";
import type { WebServer } from "@jisr/web";
import { registerWebCommands } from "@jisr/web/cli";
import { Command, CommanderError } from "commander";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let server: WebServer | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jisr-inventory-options-"));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  delete process.env.JISR_INVENTORY;
  rmSync(dir, { recursive: true, force: true });
});

type Register = (program: Command, io: { out: string; err: string }) => void;

async function run(register: Register, args: string[]) {
  const io = { out: "", err: "" };
  const program = new Command("jisr")
    .exitOverride()
    .configureOutput({ writeOut: (s) => (io.out += s), writeErr: (s) => (io.err += s) });
  register(program, io);
  let exitCode = 0;
  try {
    await program.parseAsync(["node", "jisr", ...args]);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    exitCode = e.exitCode;
  }
  return { ...io, exitCode };
}

const writer = (io: { out: string; err: string }) => ({
  stdout: { write: (s: string) => (io.out += s) },
  stderr: { write: (s: string) => (io.err += s) },
});

describe("--inventory", () => {
  it("jisr savings finds its institutions in the inventory (JISR_INVENTORY)", async () => {
    process.env.JISR_INVENTORY = DEPLOY_INVENTORY;
    const r = await run(
      (p, io) => registerAnalyticsCommands(p, { io: writer(io) }),
      ["savings", "--institution", "nowhere", "--month", "2026-01", "--sqlite", join(dir, "r.sqlite")],
    );
    expect(r.exitCode).toBe(1);
    expect(r.err).toContain('unknown institution "nowhere"; known: demo-ben-guerir');
  });

  it("jisr analytics run computes the inventory's institutions", async () => {
    const r = await run(
      (p, io) => registerAnalyticsCommands(p, { io: writer(io) }),
      [
        ...["analytics", "run", "--from", "2026-01-01", "--to", "2026-01-01"],
        ...["--inventory", DEPLOY_INVENTORY, "--sqlite", join(dir, "r.sqlite"), "--log-level", "silent"],
      ],
    );
    expect(r.err).toBe("");
    expect(JSON.parse(r.out)).toMatchObject({ institutions: 1 });
  });

  it("jisr alerting check takes the institutions from the inventory, the rest from the settings file", async () => {
    const r = await run(
      (p, io) => registerAlertingCommands(p, writer(io)),
      ["alerting", "check", "--config", "/dev/null", "--inventory", DEPLOY_INVENTORY],
    );
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain("institutions: demo-ben-guerir");
  });

  it("jisr report names the inventory's institution", async () => {
    const out = join(dir, "r.csv");
    const r = await run(
      (p, io) => registerReportCommands(p, { io: writer(io), logger: pino({ level: "silent" }) }),
      [
        ...["report", "--period", "2026-01", "--format", "csv", "--out", out],
        ...["--inventory", DEPLOY_INVENTORY, "--sqlite", join(dir, "r.sqlite")],
      ],
    );
    expect(r.exitCode).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("Établissement de démonstration, Ben Guerir");
  });

  it("jisr grafana isolation writes one organisation per inventory institution", async () => {
    const r = await run(
      (p, io) => registerWebCommands(p, { io: { ...writer(io), stdin: Readable.from([""]) } }),
      ["grafana", "isolation", "--inventory", DEPLOY_INVENTORY, "--out", join(dir, "g")],
    );
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(dir, "g", "orgs.json"), "utf8")).toContain("demo-ben-guerir");
    const neither = await run(
      (p, io) => registerWebCommands(p, { io: { ...writer(io), stdin: Readable.from([""]) } }),
      ["grafana", "isolation", "--out", join(dir, "g")],
    );
    expect(neither.err).toContain("give the institutions: --inventory <dir> or --institutions <file>");
  });

  it("jisr web serve starts on the inventory, the institutions file not even there", async () => {
    const users = join(dir, "users.yaml");
    const add = await run(
      (p, io) =>
        registerWebCommands(p, { io: { ...writer(io), stdin: Readable.from(["a-long-enough-password\n"]) } }),
      ["user", "add", "--users", users, "--id", "ministere", "--name", "Ministère", "--role", "ministry"],
    );
    expect(add.exitCode, add.err).toBe(0);
    const unknown = await run(
      (p, io) =>
        registerWebCommands(p, { io: { ...writer(io), stdin: Readable.from(["pw-pw-pw-pw-pw\n"]) } }),
      [
        ...["user", "add", "--users", users, "--id", "amina", "--name", "Amina", "--role", "technician"],
        ...["--institution", "nowhere", "--inventory", DEPLOY_INVENTORY],
      ],
    );
    expect(unknown.err).toContain(`not in ${DEPLOY_INVENTORY}: nowhere`);
    const r = await run(
      (p, io) =>
        registerWebCommands(p, {
          io: { ...writer(io), stdin: Readable.from([""]) },
          waitForSignal: false,
          onStarted: (s) => {
            server = s;
          },
        }),
      [
        ...["web", "serve", "--sqlite", join(dir, "r.sqlite"), "--users", users, "--port", "0"],
        ...[
          "--institutions",
          join(dir, "missing.yaml"),
          "--inventory",
          DEPLOY_INVENTORY,
          "--log-level",
          "silent",
        ],
      ],
    );
    expect(r.err).toBe("");
    expect(server).toBeDefined();
  });
});

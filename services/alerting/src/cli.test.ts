/** `jisr alerting check|token|run` through commander, with captured output. */
import { join } from "node:path";
import type { CliIo } from "@jisr/core";
import { hashToken } from "@jisr/service-kit";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerAlertingCommands } from "./cli.js";

const EXAMPLE = join(import.meta.dirname, "../alerting.example.yaml");

let out: string;
let err: string;
let io: CliIo;
beforeEach(() => {
  out = "";
  err = "";
  io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } };
  process.env.JISR_SMTP_PASSWORD = "s3cret";
});
afterEach(() => {
  delete process.env.JISR_SMTP_PASSWORD;
});

async function jisr(...args: string[]): Promise<void> {
  const program = new Command("jisr").exitOverride().configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
  });
  registerAlertingCommands(program, io);
  for (const c of program.commands) {
    c.exitOverride();
    for (const s of c.commands) s.exitOverride();
  }
  await program.parseAsync(["node", "jisr", ...args]);
}

describe("jisr alerting", () => {
  it("check: shows what a valid file means", async () => {
    await jisr("alerting", "check", "--config", EXAMPLE);
    expect(out).toContain(`${EXAMPLE}: valid`);
    expect(out).toContain("recipient tech-salma (fr, major+): * via email salma@example.ma");
    expect(out).toContain("  inverter_fault: 2m / 10m / 4h");
  });

  it("check: lists every problem of an invalid file and fails", async () => {
    delete process.env.JISR_SMTP_PASSWORD;
    await expect(jisr("alerting", "check", "--config", EXAMPLE)).rejects.toThrow();
    expect(err).toContain("delivery.smtp.password_env: environment variable JISR_SMTP_PASSWORD is not set");
  });

  it("token: prints a token whose hash is the config entry it suggests", async () => {
    await jisr("alerting", "token", "--user", "Ahmed", "--institutions", "ehpad-ben-guerir");
    const token = out.trim();
    expect(token).toMatch(/^jisr_[A-Za-z0-9_-]{43}$/);
    expect(err).toContain(`sha256: ${hashToken(token)}`);
    expect(err).toContain('institutions: ["ehpad-ben-guerir"]');
  });

  it("run: asks for exactly one readings store", async () => {
    await expect(jisr("alerting", "run", "--config", EXAMPLE)).rejects.toThrow();
    expect(err).toContain("give the readings store: --sqlite <file> or --influx-url <url> (one of them)");
  });
});

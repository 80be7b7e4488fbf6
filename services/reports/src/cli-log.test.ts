/** `jisr report`'s logs: a sentence on a terminal, JSON lines in a pipe. */
import { describe, expect, it } from "vitest";
import { cliLogger, humanLine } from "./cli-log.js";

describe("cliLogger", () => {
  it("writes readable lines on a terminal", () => {
    let out = "";
    const log = cliLogger({ write: (s) => (out += s), isTTY: true }).child({ component: "report" });
    log.info(
      { file: "/srv/r.pdf", bytes: 49_152, period: "2026-10", format: "pdf", lang: "fr" },
      "Report written",
    );
    log.warn({ institution: "x" }, "No data");
    expect(out).toBe(
      "Report written · /srv/r.pdf · 48 KB · period 2026-10 · format pdf · lang fr\nwarning: No data · institution x\n",
    );
  });

  it("writes pino's JSON lines elsewhere", () => {
    let out = "";
    cliLogger({ write: (s) => (out += s), isTTY: false }).info({ file: "/srv/r.pdf" }, "Report written");
    const line = JSON.parse(out) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, msg: "Report written", file: "/srv/r.pdf", name: "jisr-report" });
  });

  it("sizes bytes as a person would", () => {
    const line = (bytes: number) => humanLine(JSON.stringify({ level: 30, msg: "m", bytes }));
    expect([line(512), line(2048), line(3 * 1024 * 1024)]).toEqual([
      "m · 512 B\n",
      "m · 2 KB\n",
      "m · 3.0 MB\n",
    ]);
  });
});

/**
 * The logger of `jisr report`: pino's JSON lines when stderr is a pipe or a file (for the journal and
 * log collectors), one readable line per event on a terminal ("Report written: /srv/r.pdf · 48 KB ·
 * period 2026-10 · pdf · fr"), so a person running the command by hand reads a sentence, not JSON.
 */
import { type Logger, pino } from "pino";

export interface LogSink {
  write(s: string): unknown;
  isTTY?: boolean;
}

const LEVELS: Record<number, string> = {
  10: "trace",
  20: "debug",
  30: "",
  40: "warning",
  50: "error",
  60: "fatal",
};
/** pino's own fields, not details of the event. */
const OWN = new Set(["level", "time", "pid", "hostname", "name", "msg", "component"]);

function value(key: string, v: unknown): string {
  if (key === "bytes" && typeof v === "number")
    return v < 1024
      ? `${v} B`
      : v < 1024 * 1024
        ? `${Math.round(v / 1024)} KB`
        : `${(v / 1024 / 1024).toFixed(1)} MB`;
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** One pino JSON line as a sentence: "warning: msg · file /x · 12 KB". */
export function humanLine(json: string): string {
  const o = JSON.parse(json) as Record<string, unknown>;
  const level = LEVELS[o.level as number] ?? "";
  const details = Object.entries(o)
    .filter(([k]) => !OWN.has(k))
    .map(([k, v]) => (k === "file" || k === "bytes" ? value(k, v) : `${k} ${value(k, v)}`));
  const head = `${level ? `${level}: ` : ""}${String(o.msg ?? "")}`;
  return `${[head, ...details].join(" · ")}\n`;
}

export function cliLogger(sink: LogSink, name = "jisr-report"): Logger {
  if (!sink.isTTY) return pino({ name }, { write: (s: string) => sink.write(s) });
  return pino({ name }, { write: (s: string) => sink.write(humanLine(s)) });
}

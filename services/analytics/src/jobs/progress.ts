/**
 * Progress of a long analytics run: what is done (institutions, institution-days), how long it took and
 * how long the rest should take, as one line a terminal redraws in place. Pure formatting, plus a small
 * writer that keeps the line under the log lines written around it.
 */

export interface RunProgress {
  /** The month being computed, "YYYY-MM". */
  month: string;
  /** Institutions whose every month is done, of all of them. */
  institutionsDone: number;
  institutions: number;
  /** Institution-days written, of all of them. */
  daysDone: number;
  days: number;
  elapsedMs: number;
}

/** "1 h 02 min", "3 min 05 s", "12 s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/**
 * Time left, from the pace so far over institution-days (every day of every institution reads and
 * computes about the same); undefined before the first day is done.
 */
export function timeLeftMs(p: RunProgress): number | undefined {
  if (p.daysDone <= 0) return undefined;
  return (p.elapsedMs / p.daysDone) * (p.days - p.daysDone);
}

/** One line: `analytics 2026-03: institutions 12/40, days 1 234/14 600 (8 %), 1 min 20 s, ~14 min 40 s left`. */
export function formatProgress(p: RunProgress): string {
  const pct = p.days === 0 ? 100 : Math.floor((p.daysDone / p.days) * 100);
  const left = timeLeftMs(p);
  return (
    `analytics ${p.month}: institutions ${p.institutionsDone}/${p.institutions}, ` +
    `days ${p.daysDone}/${p.days} (${pct} %), ${formatDuration(p.elapsedMs)}` +
    (left === undefined ? "" : `, ~${formatDuration(left)} left`)
  );
}

export interface TextSink {
  write(s: string): unknown;
}

/**
 * A status line at the bottom of a terminal: `show` draws (or redraws) it, `write` puts other text (log
 * lines) above it, `done` leaves it on screen with a newline. Off a terminal nothing is drawn (a log file
 * or a pipe wants whole lines, and the job logs a summary per institution anyway).
 */
export class StatusLine {
  readonly #out: TextSink;
  readonly #tty: boolean;
  #line = "";

  constructor(out: TextSink, tty: boolean) {
    this.#out = out;
    this.#tty = tty;
  }

  show(line: string): void {
    if (!this.#tty) return;
    this.#line = line;
    this.#out.write(`\r\x1b[2K${line}`);
  }

  /** Text above the status line (which is redrawn after it). */
  write(text: string): void {
    if (!this.#tty || this.#line === "") {
      this.#out.write(text);
      return;
    }
    this.#out.write(`\r\x1b[2K${text}${this.#line}`);
  }

  done(): void {
    if (this.#tty && this.#line !== "") this.#out.write("\n");
    this.#line = "";
  }
}

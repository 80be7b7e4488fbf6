/** Local wall-clock times in a time zone, without a date library: Intl knows Africa/Casablanca's rules. */

/** The zone's offset from UTC at `utcMs`, in minutes (60 for UTC+1). */
export function offsetMinutes(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" }).formatToParts(
    utcMs,
  );
  const name = parts.find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** The calendar date (y, m, d) at `utcMs` in the zone. */
function localDate(utcMs: number, timeZone: string): [number, number, number] {
  const s = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(utcMs);
  const [y, m, d] = s.split("-").map(Number);
  return [y as number, m as number, d as number];
}

/** The UTC instant of `hh:mm` local time on the local date of `nowMs`. */
export function localTimeToday(hhmm: string, timeZone: string, nowMs = Date.now()): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!match) throw new RangeError(`"${hhmm}" is not a time of day (HH:MM)`);
  const [h, min] = [Number(match[1]), Number(match[2])];
  if (h > 23 || min > 59) throw new RangeError(`"${hhmm}" is not a time of day (HH:MM)`);
  const [y, m, d] = localDate(nowMs, timeZone);
  const naive = Date.UTC(y, m - 1, d, h, min);
  // Two passes: the offset at the guess can differ from the offset at the answer around a clock change.
  const first = naive - offsetMinutes(naive, timeZone) * 60_000;
  return naive - offsetMinutes(first, timeZone) * 60_000;
}

/** "2026-11-29 10:42" in the zone. */
export function formatLocal(utcMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat("sv-SE", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).format(utcMs);
}

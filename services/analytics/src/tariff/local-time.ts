/**
 * Wall-clock arithmetic in a time zone, without a date library. Intl (Node's ICU) knows the IANA rules of
 * Africa/Casablanca, including the yearly switch to GMT during Ramadan, so nothing here hard-codes dates.
 */

/** The local calendar fields of an instant, and the zone's offset from UTC at that instant. */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** Offset from UTC in minutes: 60 when Morocco is on GMT+1, 0 during Ramadan. */
  offsetMinutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using one. */
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the zone (e.g. "Africa/Casablanca"). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

const SLOT_MS = 15 * 60_000;
const MAX_SLOTS = 200_000;
const offsets = new Map<string, Map<number, number>>();

/**
 * The zone's offset from UTC at `utcMs`, in minutes. Intl costs ~50 µs a call, and a month of hourly bills
 * for 40 sites asks the same hours again and again, so offsets are cached per 15-minute slot of UTC time
 * (clock changes happen on such boundaries in every zone, Casablanca's on the hour).
 */
export function offsetMinutesAt(utcMs: number, timeZone: string): number {
  const slot = Math.floor(utcMs / SLOT_MS);
  let zone = offsets.get(timeZone);
  if (!zone) {
    zone = new Map();
    offsets.set(timeZone, zone);
  }
  let offset = zone.get(slot);
  if (offset === undefined) {
    const name = formatter(timeZone)
      .formatToParts(slot * SLOT_MS)
      .find((p) => p.type === "timeZoneName")?.value;
    offset = parseOffset(name ?? "GMT");
    if (zone.size >= MAX_SLOTS) zone.clear(); // bounded memory in a long-running service
    zone.set(slot, offset);
  }
  return offset;
}

export function localParts(utcMs: number, timeZone: string): LocalParts {
  const offsetMinutes = offsetMinutesAt(utcMs, timeZone);
  const wall = new Date(utcMs + offsetMinutes * 60_000);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    offsetMinutes,
  };
}

/** "GMT+01:00" → 60, "GMT" → 0. */
function parseOffset(name: string): number {
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** [start, end) of a local calendar month as UTC instants: local midnight of the 1st to that of the next. */
export function monthBounds(month: string, timeZone: string): { startMs: number; endMs: number } {
  const m = MONTH_PATTERN.exec(month);
  if (!m) throw new RangeError(`month "${month}" is not YYYY-MM`);
  const [y, mo] = [Number(m[1]), Number(m[2])];
  return {
    startMs: localMidnight(y, mo, timeZone),
    endMs: mo === 12 ? localMidnight(y + 1, 1, timeZone) : localMidnight(y, mo + 1, timeZone),
  };
}

/** The UTC instant of 00:00 local time on the 1st of (year, month). */
function localMidnight(year: number, month: number, timeZone: string): number {
  const naive = Date.UTC(year, month - 1, 1);
  // Two passes: the offset at the first guess can differ from the one at the answer near a clock change.
  const guess = naive - offsetMinutesAt(naive, timeZone) * 60_000;
  return naive - offsetMinutesAt(guess, timeZone) * 60_000;
}

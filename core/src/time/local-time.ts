/**
 * Local calendar time in a time zone, without a date library: Intl (Node's ICU) knows the IANA rules of
 * Africa/Casablanca, including the yearly switch back to GMT during Ramadan, so nothing here hard-codes
 * dates. Storage is always UTC; days, months and tariff hours are local.
 *
 * In Morocco the switches happen at night (03:00 → 02:00 when Ramadan starts, 02:00 → 03:00 when it ends,
 * checked with Intl for 2025-2027), so local midnight always exists, but a local day lasts 25 h or 23 h on
 * those two nights (15 Feb and 22 Mar 2026): durations are always taken from UTC instants, never assumed.
 */

/** The zone of every Jisr institution. */
export const MOROCCO_TZ = "Africa/Casablanca";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The local calendar fields of an instant and the zone's offset from UTC there. */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** Minutes ahead of UTC: 60 when Morocco is on GMT+1, 0 during Ramadan. */
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

export function localParts(utcMs: number, timeZone: string): LocalParts {
  const offset = offsetMinutes(utcMs, timeZone);
  const wall = new Date(utcMs + offset * MINUTE_MS);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    offsetMinutes: offset,
  };
}

/** "GMT+01:00" → 60, "GMT" → 0. */
function parseOffset(name: string): number {
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

const SLOT_MS = 15 * MINUTE_MS;
const MAX_SLOTS = 200_000;
const offsets = new Map<string, Map<number, number>>();

/**
 * The zone's offset from UTC at `utcMs`, in minutes (60 for UTC+1). Intl costs ~50 µs a call, and a month
 * of hourly bills for 40 sites asks the same hours again and again, so offsets are cached per 15-minute
 * slot of UTC time (clock changes happen on such boundaries in every zone, Casablanca's on the hour).
 */
export function offsetMinutes(utcMs: number, timeZone: string): number {
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

/**
 * The UTC instant of a local wall time: `minuteOfDay` minutes after local midnight of y-m-d (1440 is the
 * next midnight; d may overflow the month, as with Date.UTC). Two passes, because the offset at the first
 * guess can differ from the one at the answer around a clock change.
 */
export function wallTimeToUtc(
  y: number,
  m: number,
  d: number,
  minuteOfDay: number,
  timeZone: string,
): number {
  const naive = Date.UTC(y, m - 1, d) + minuteOfDay * MINUTE_MS;
  const first = naive - offsetMinutes(naive, timeZone) * MINUTE_MS;
  return naive - offsetMinutes(first, timeZone) * MINUTE_MS;
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** "2026-02-15" → [2026, 2, 15]; throws a RangeError naming the text when it is not a calendar day. */
export function parseDay(day: string): [number, number, number] {
  const match = DAY_PATTERN.exec(day);
  const [y, m, d] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const check = new Date(Date.UTC(y, m - 1, d));
  if (!match || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
    throw new RangeError(`"${day}" is not a calendar day (YYYY-MM-DD)`);
  }
  return [y, m, d];
}

/** "2026-02" → [2026, 2]. */
export function parseMonth(month: string): [number, number] {
  const match = MONTH_PATTERN.exec(month);
  if (!match) throw new RangeError(`"${month}" is not a month (YYYY-MM)`);
  return [Number(match[1]), Number(match[2])];
}

export function isDay(text: string): boolean {
  try {
    parseDay(text);
    return true;
  } catch {
    return false;
  }
}

export function isMonth(text: string): boolean {
  return MONTH_PATTERN.test(text);
}

const pad = (n: number) => String(n).padStart(2, "0");

function formatDay(y: number, m: number, d: number): string {
  const date = new Date(Date.UTC(y, m - 1, d));
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** A local calendar period as UTC instants, end excluded. */
export interface LocalPeriod {
  /** "2026-02-15" for a day, "2026-02" for a month. */
  label: string;
  from: number;
  to: number;
}

/** The local day from its midnight to the next midnight (23, 24 or 25 h). */
export function localDay(day: string, timeZone: string): LocalPeriod {
  const [y, m, d] = parseDay(day);
  return {
    label: day,
    from: wallTimeToUtc(y, m, d, 0, timeZone),
    to: wallTimeToUtc(y, m, d + 1, 0, timeZone),
  };
}

/** The local month from midnight on the 1st to midnight on the 1st of the next month. */
export function localMonth(month: string, timeZone: string): LocalPeriod {
  const [y, m] = parseMonth(month);
  return {
    label: month,
    from: wallTimeToUtc(y, m, 1, 0, timeZone),
    to: wallTimeToUtc(y, m + 1, 1, 0, timeZone),
  };
}

/** The local day "YYYY-MM-DD" an instant belongs to (23:30 UTC in November is already the next day). */
export function localDayOf(utcMs: number, timeZone: string): string {
  const p = localParts(utcMs, timeZone);
  return formatDay(p.year, p.month, p.day);
}

/** The local month "YYYY-MM" an instant belongs to. */
export function localMonthOf(utcMs: number, timeZone: string): string {
  return localDayOf(utcMs, timeZone).slice(0, 7);
}

/** The month "YYYY-MM" of a day "YYYY-MM-DD". */
export function monthOfDay(day: string): string {
  parseDay(day);
  return day.slice(0, 7);
}

/** `day` plus `n` calendar days (n may be negative). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = parseDay(day);
  return formatDay(y, m, d + n);
}

/** `month` plus `n` months. */
export function addMonths(month: string, n: number): string {
  const [y, m] = parseMonth(month);
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
}

/** Every day from `first` to `last`, both included, in order (empty if last < first). */
export function daysBetween(first: string, last: string): string[] {
  parseDay(last);
  const days: string[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}

/** The days of a month, in order. */
export function daysOfMonth(month: string): string[] {
  const [y, m] = parseMonth(month);
  const count = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return Array.from({ length: count }, (_, i) => `${y}-${pad(m)}-${pad(i + 1)}`);
}

/**
 * The start instants of the local hours in [from, to), `from` being a local hour start. Morocco's offsets
 * (UTC+1, UTC+0) are whole hours, so local hours are UTC hours and a 25 h day has 25 of them; a zone with a
 * half-hour offset would need another rule, so it is refused rather than silently misbinned.
 */
export function hourStarts(from: number, to: number, timeZone: string): number[] {
  if (offsetMinutes(from, timeZone) % 60 !== 0 || offsetMinutes(to - 1, timeZone) % 60 !== 0) {
    throw new RangeError(`time zone ${timeZone} has an offset that is not whole hours: not supported`);
  }
  if (from % HOUR_MS !== 0) throw new RangeError(`${new Date(from).toISOString()} is not an hour start`);
  const starts: number[] = [];
  for (let t = from; t < to; t += HOUR_MS) starts.push(t);
  return starts;
}

/** "2026-11-29 10:42" in the zone. */
export function formatLocal(utcMs: number, timeZone: string): string {
  const p = localParts(utcMs, timeZone);
  return `${formatDay(p.year, p.month, p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** The UTC instant of `hh:mm` local time on the local date of `nowMs`. */
export function localTimeToday(hhmm: string, timeZone: string, nowMs = Date.now()): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!match) throw new RangeError(`"${hhmm}" is not a time of day (HH:MM)`);
  const [h, min] = [Number(match[1]), Number(match[2])];
  if (h > 23 || min > 59) throw new RangeError(`"${hhmm}" is not a time of day (HH:MM)`);
  const p = localParts(nowMs, timeZone);
  return wallTimeToUtc(p.year, p.month, p.day, h * 60 + min, timeZone);
}

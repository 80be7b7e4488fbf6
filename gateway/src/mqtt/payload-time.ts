/**
 * Timestamps found in payloads. Tasmota writes its local time without a zone ("2026-11-29T11:00:00"), so
 * such a time is read in the device's configured time zone, or not at all: a reading stamped one hour off
 * would be worse than one stamped with the time the gateway received it.
 */

export type TimeFormat = "iso" | "epoch_s" | "epoch_ms";

export type PayloadTime =
  | { kind: "time"; ms: number }
  /** A local time and no time zone configured for the device: use the receive time. */
  | { kind: "no_zone" }
  | { kind: "bad"; message: string };

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/;

export function parsePayloadTime(value: unknown, format: TimeFormat, timeZone?: string): PayloadTime {
  if (format === "epoch_s" || format === "epoch_ms") {
    if (typeof value !== "number" || !Number.isFinite(value))
      return { kind: "bad", message: `expected a Unix time (${format === "epoch_s" ? "seconds" : "ms"})` };
    return { kind: "time", ms: Math.round(format === "epoch_s" ? value * 1000 : value) };
  }
  const m = typeof value === "string" ? ISO.exec(value.trim()) : null;
  if (!m) return { kind: "bad", message: "expected an ISO-8601 date-time, e.g. 2026-11-29T11:00:00" };
  const [, y, mo, d, h, mi, s = "0", frac = "0", zone] = m;
  const ms = Math.round(Number(`0.${frac}`) * 1000);
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (Number.isNaN(wall)) return { kind: "bad", message: "is not a valid date" };
  if (zone !== undefined) return { kind: "time", ms: wall - offsetMinutes(zone) * 60_000 };
  if (timeZone === undefined) return { kind: "no_zone" };
  return { kind: "time", ms: zonedWallToUtc(wall, timeZone) };
}

function offsetMinutes(zone: string): number {
  if (zone === "Z") return 0;
  const digits = zone.replace(":", "");
  const sign = digits.startsWith("-") ? -1 : 1;
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at an instant, in ms (Africa/Casablanca: +1 h, 0 during Ramadan). */
function zoneOffsetMs(instant: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(instant).map((x) => [x.type, Number(x.value)]));
  const asUtc = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (instant - (((instant % 1000) + 1000) % 1000));
}

/** A wall-clock time (as if UTC) in `timeZone` → the UTC instant. Two passes settle clock changes. */
export function zonedWallToUtc(wallAsUtc: number, timeZone: string): number {
  const first = wallAsUtc - zoneOffsetMs(wallAsUtc, timeZone);
  return wallAsUtc - zoneOffsetMs(first, timeZone);
}

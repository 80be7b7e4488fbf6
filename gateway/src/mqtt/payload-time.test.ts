import { describe, expect, it } from "vitest";
import { parsePayloadTime } from "./payload-time.js";

const utc = (s: string) => Date.parse(s);

describe("parsePayloadTime", () => {
  it("reads a local time in the device's zone, Ramadan's return to GMT included", () => {
    const casablanca = (s: string) => parsePayloadTime(s, "iso", "Africa/Casablanca");
    expect(casablanca("2026-11-29T12:00:00")).toEqual({ kind: "time", ms: utc("2026-11-29T11:00:00Z") });
    expect(casablanca("2026-03-01T12:00:00")).toEqual({ kind: "time", ms: utc("2026-03-01T12:00:00Z") });
    expect(casablanca("2026-11-29 12:00:00.250")).toEqual({
      kind: "time",
      ms: utc("2026-11-29T11:00:00.250Z"),
    });
  });

  it("trusts an explicit offset over the zone, and refuses a local time without a zone", () => {
    expect(parsePayloadTime("2026-11-29T12:00:00+02:00", "iso", "Africa/Casablanca")).toEqual({
      kind: "time",
      ms: utc("2026-11-29T10:00:00Z"),
    });
    expect(parsePayloadTime("2026-11-29T12:00:00Z", "iso")).toEqual({
      kind: "time",
      ms: utc("2026-11-29T12:00:00Z"),
    });
    expect(parsePayloadTime("2026-11-29T12:00:00", "iso")).toEqual({ kind: "no_zone" });
  });

  it("reads Unix times and says what it expected otherwise", () => {
    expect(parsePayloadTime(1795950000, "epoch_s")).toEqual({ kind: "time", ms: 1795950000000 });
    expect(parsePayloadTime(1795950000123, "epoch_ms")).toEqual({ kind: "time", ms: 1795950000123 });
    expect(parsePayloadTime("1795950000", "epoch_s")).toEqual({
      kind: "bad",
      message: "expected a Unix time (seconds)",
    });
    expect(parsePayloadTime("29/11/2026 12:00", "iso")).toMatchObject({ kind: "bad" });
  });
});

/** The substitutions Grafana makes before a query reaches InfluxDB, reproduced for the query tests. */
import { describe, expect, it } from "vitest";
import { escapeRegex, formatInterval, formatValue, interpolate, leftoverVariables } from "./interpolate.js";

describe("interpolate", () => {
  const ctx = {
    from: 1_780_000_000_000,
    to: 1_780_003_600_000,
    intervalMs: 600_000,
    variables: { institution: ["dar-taleb-skhour", "foyer-ben-guerir"], silence_minutes: ["15"] },
    multi: new Set(["institution"]),
  };

  it("fills $timeFilter, $__interval and the variables the way Grafana does", () => {
    const q =
      'SELECT mean("p") FROM "m" WHERE "institution" =~ /^$institution$/ AND "s" > $silence_minutes * 60 ' +
      "AND $timeFilter GROUP BY time($__interval) -- $__interval_ms";
    expect(interpolate(q, ctx)).toBe(
      'SELECT mean("p") FROM "m" WHERE "institution" =~ /^(dar-taleb-skhour|foyer-ben-guerir)$/ AND "s" > 15 * 60 ' +
        "AND time >= 1780000000000ms and time <= 1780003600000ms GROUP BY time(10m) -- 600000",
    );
  });

  it("fills Grafana's global __from and __to with epoch milliseconds", () => {
    const [from, to] = ["$" + "{__from}", "$" + "{__to}"]; // Grafana's braced form, not a JavaScript template
    expect(interpolate(`WHERE time < ${to}ms - 24h AND time >= $__from`, ctx)).toBe(
      "WHERE time < 1780003600000ms - 24h AND time >= 1780000000000",
    );
    expect(leftoverVariables(interpolate(`${from} ${to} $__to`, ctx))).toEqual([]);
  });

  it("a single institution is one escaped value, without a group", () => {
    expect(formatValue(["foyer-ben-guerir"], true)).toBe("foyer-ben-guerir");
    expect(formatValue(["a.b/c", "d"], true)).toBe("(a\\.b\\/c|d)");
    expect(escapeRegex("x(1)|$")).toBe("x\\(1\\)\\|\\$");
  });

  it("formats intervals with the largest whole unit", () => {
    expect([86_400_000, 3_600_000, 600_000, 30_000, 1500].map(formatInterval)).toEqual([
      "1d",
      "1h",
      "10m",
      "30s",
      "1500ms",
    ]);
  });

  it("reports variables left unsubstituted", () => {
    expect(leftoverVariables(interpolate("WHERE x =~ /^$unknown$/ AND $timeFilter", ctx))).toEqual([
      "unknown",
    ]);
  });
});

/**
 * Turns a panel's query into the InfluxQL Grafana sends, without a Grafana server: template variables the
 * way the InfluxDB datasource formats them (a multi-value or "All" selection becomes the regex group
 * `(a|b)`, each value regex-escaped), then `$timeFilter` and `$__interval` the way its backend does
 * (pkg/tsdb/influxdb/models/query.go: `time >= <from>ms and time <= <to>ms`), and the global `${__from}` /
 * `${__to}` as epoch milliseconds (their default format). Used by the query tests and usable by benchmarks.
 */

export interface QueryContext {
  /** Epoch ms, inclusive (Grafana's `to` is inclusive too: `time <= to`). */
  from: number;
  to: number;
  intervalMs: number;
  /** Selected values by variable name; several values, or "All", for a multi-value variable. */
  variables: Record<string, readonly string[]>;
  /** Names of the multi-value (or include-All) variables; others are inserted as they are. */
  multi?: ReadonlySet<string>;
}

/** Grafana's escapeRegex: `/` too, since the regex literal is delimited by slashes. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/]/g, "\\$&");
}

/** The InfluxDB datasource's interpolateQueryExpr for one variable. */
export function formatValue(values: readonly string[], multi: boolean): string {
  if (values.length === 1 && !Number.isNaN(Number.parseFloat(values[0] as string)))
    return values[0] as string;
  if (!multi) return values.join(",");
  const escaped = values.map(escapeRegex);
  return escaped.length === 1 ? (escaped[0] as string) : `(${escaped.join("|")})`;
}

/** gtime.FormatInterval: the largest whole unit (1d, 1h, 10m, 30s), else milliseconds. */
export function formatInterval(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, "d"],
    [3_600_000, "h"],
    [60_000, "m"],
    [1000, "s"],
  ];
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

export function timeFilter(from: number, to: number): string {
  return `time >= ${from}ms and time <= ${to}ms`;
}

export function interpolate(query: string, ctx: QueryContext): string {
  const withVariables = query.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, a?: string, b?: string) => {
    const name = (a ?? b) as string;
    const values = ctx.variables[name];
    return values ? formatValue(values, ctx.multi?.has(name) ?? false) : whole;
  });
  return withVariables
    .replace(/\$\{__(from|to)\}|\$__(from|to)\b/g, (_, a?: string, b?: string) =>
      String((a ?? b) === "from" ? ctx.from : ctx.to),
    )
    .replaceAll("$timeFilter", timeFilter(ctx.from, ctx.to))
    .replaceAll("$__interval_ms", String(ctx.intervalMs))
    .replaceAll("$__interval", formatInterval(ctx.intervalMs));
}

/** Anything left that looks like a variable: a query must not reach InfluxDB with one. */
export function leftoverVariables(query: string): string[] {
  return [...query.matchAll(/\$\{?(\w+)/g)].map((m) => m[1] as string);
}

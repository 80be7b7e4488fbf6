/**
 * The JSON that InfluxDB's v1 `/query` endpoint answers, checked with zod: the same shape on 1.x, on 2.x
 * (v1 compatibility) and on 3.x, so a proxy or an unexpected server shows up as a clear error.
 */
import { z } from "zod";

const cellSchema = z.union([z.number(), z.string(), z.boolean(), z.null()]);

const seriesSchema = z.object({
  name: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  columns: z.array(z.string()),
  values: z.array(z.array(cellSchema)).optional(),
  partial: z.boolean().optional(),
});

const statementSchema = z.object({
  statement_id: z.number().optional(),
  series: z.array(seriesSchema).optional(),
  error: z.string().optional(),
  partial: z.boolean().optional(),
});

export const queryResponseSchema = z.object({
  results: z.array(statementSchema).optional(),
  error: z.string().optional(),
});

export type QueryResponse = z.infer<typeof queryResponseSchema>;

/** One cell of a result row: a field or tag value, or null where a row has no value for that column. */
export type Cell = z.infer<typeof cellSchema>;

export interface InfluxSeries {
  name: string;
  /** The GROUP BY tags of this series ({} without GROUP BY). */
  tags: Record<string, string>;
  columns: string[];
  values: Cell[][];
}

export interface StatementResult {
  statementId: number;
  series: InfluxSeries[];
  /** True when the server cut the result short (row limit): the rows are not all there. */
  partial: boolean;
}

/** Normalises a checked response (statement errors are handled by the caller before this). */
export function toStatementResults(response: QueryResponse): StatementResult[] {
  return (response.results ?? []).map((r, i) => ({
    statementId: r.statement_id ?? i,
    partial: r.partial === true || (r.series ?? []).some((s) => s.partial === true),
    series: (r.series ?? []).map((s) => ({
      name: s.name ?? "",
      tags: s.tags ?? {},
      columns: s.columns,
      values: s.values ?? [],
    })),
  }));
}

/** Row `i` of a series as an object keyed by column name. */
export function rowObject(series: InfluxSeries, row: Cell[]): Record<string, Cell> {
  const out: Record<string, Cell> = {};
  series.columns.forEach((c, i) => {
    out[c] = row[i] ?? null;
  });
  return out;
}

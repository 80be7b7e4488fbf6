/**
 * The JSON that InfluxDB's v1 `/query` endpoint answers, checked with zod: the same shape on 1.x, on 2.x
 * (v1 compatibility) and on 3.x, so a proxy or an unexpected server shows up as a clear error.
 */
import { z } from "zod";

/** One cell of a result row: a field or tag value, or null where a row has no value for that column. */
export type Cell = number | string | boolean | null;

/** Whether `row` is an array of cells (numbers, strings, booleans or nulls). */
function isRow(row: unknown): row is Cell[] {
  if (!Array.isArray(row)) return false;
  for (const cell of row) {
    const t = typeof cell;
    if (cell !== null && t !== "number" && t !== "string" && t !== "boolean") return false;
  }
  return true;
}

/**
 * A series' rows, checked in one plain loop per series rather than by zod per row or per cell: the shape
 * of the answer (statements, series, columns) is still checked by zod, and a month of readings is tens of
 * thousands of rows, whose checks one by one cost this process more than reading them (issue 12). The
 * first bad row is named by its index, as a zod array would.
 */
const rowsSchema = z
  .custom<Cell[][]>((rows) => Array.isArray(rows), "must be a list of rows")
  .superRefine((rows, ctx) => {
    for (let i = 0; i < rows.length; i++) {
      if (!isRow(rows[i])) {
        ctx.addIssue({
          code: "custom",
          path: [i],
          message: "a row must be an array of numbers, strings, booleans or nulls",
          input: rows[i],
        });
        return;
      }
    }
  });

const seriesSchema = z.object({
  name: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  columns: z.array(z.string()),
  values: rowsSchema.optional(),
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

import { describe, expect, it } from "vitest";
import { queryResponseSchema, toStatementResults } from "./response.js";

const answer = (values: unknown[][]) => ({
  results: [{ statement_id: 0, series: [{ name: "m", columns: ["time", "v"], values }] }],
});

describe("queryResponseSchema", () => {
  it("accepts numbers, strings, booleans and nulls in rows", () => {
    const parsed = queryResponseSchema.parse(
      answer([
        [1, 2.5],
        [2, "a"],
        [3, true],
        [4, null],
      ]),
    );
    expect(toStatementResults(parsed)[0]?.series[0]?.values).toEqual([
      [1, 2.5],
      [2, "a"],
      [3, true],
      [4, null],
    ]);
  });

  it("refuses a row holding anything else, naming where it is", () => {
    const r = queryResponseSchema.safeParse(
      answer([
        [1, 2],
        [2, { nested: 1 }],
      ]),
    );
    expect(r.success).toBe(false);
    const issue = r.error?.issues[0];
    expect(issue?.path).toEqual(["results", 0, "series", 0, "values", 1]);
    expect(issue?.message).toMatch(/numbers, strings, booleans or nulls/);
    expect(
      queryResponseSchema.safeParse(answer([["not", "rows"], "x" as unknown as unknown[]])).success,
    ).toBe(false);
  });
});

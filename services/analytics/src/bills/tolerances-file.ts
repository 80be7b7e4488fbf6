/**
 * The reconciliation's tolerances from a YAML file (`--tolerances`), checked against the same schema as
 * the defaults (reconcile.ts): keys the schema does not know are refused, every problem named at once.
 */
import { readFileSync } from "node:fs";
import { formatProblems, problemsOf } from "@jisr/core/errors";
import { parse } from "yaml";
import { type Tolerances, tolerancesSchema } from "./reconcile.js";

export function loadTolerances(path: string): Tolerances {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, "utf8")) ?? {};
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
  const parsed = tolerancesSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${path}:\n${formatProblems(problemsOf(parsed.error))}`);
  return parsed.data;
}

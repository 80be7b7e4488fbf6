/**
 * Reading the rules config once, at the process edge: YAML → the strict schema. Every problem is reported
 * at once as `path: message` (a ValidationError); code past this point sees a typed, complete RulesConfig.
 */
import { readFileSync } from "node:fs";
import { formatPath, type Problem, ValidationError } from "@jisr/core/errors";
import { parse } from "yaml";
import type { z } from "zod";
import { type RulesConfig, rulesConfigSchema } from "./schema.js";

export function loadRulesConfig(path: string): RulesConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ValidationError(`rules config ${path}`, [
      { path: "(file)", message: `cannot read: ${(err as Error).message}` },
    ]);
  }
  return parseRulesConfig(text, path);
}

/** Parses rules YAML (an empty file is every default). */
export function parseRulesConfig(text: string, source = "(text)"): RulesConfig {
  const subject = `rules config ${source}`;
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new ValidationError(subject, [{ path: "(yaml)", message: (err as Error).message }]);
  }
  const parsed = rulesConfigSchema.safeParse(raw ?? {}, { error: requiredMessage });
  if (!parsed.success) throw new ValidationError(subject, schemaProblems(parsed.error));
  return parsed.data;
}

/** zod's "expected number, received undefined" says less than "is required". */
function requiredMessage(issue: { code: string; input?: unknown }): string | undefined {
  return issue.code === "invalid_type" && issue.input === undefined ? "is required" : undefined;
}

/** zod issues as problems; an unknown-keys issue becomes one problem per key, at the key's own path. */
function schemaProblems(error: z.ZodError): Problem[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    const paths = issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...path, k]) : [path];
    return paths.map((p) => ({ path: formatPath(p), message: issue.message }));
  });
}

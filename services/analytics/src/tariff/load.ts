/**
 * Reading tariff files, once, at the edge: YAML → strict schema → cross-field rules. Every problem is
 * reported at once, by path and YAML line, so a file is fixed in one go. `checkTariffFile` returns the
 * result (for `jisr tariff check FILE`); `loadTariff` throws it as a ValidationError.
 */
import { readFileSync } from "node:fs";
import { formatPath, type Problem, ValidationError } from "@jisr/core";
import { type Document, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { tariffSchema } from "./file-schema.js";
import type { Tariff } from "./schema.js";

export interface TariffProblem extends Problem {
  /** 1-based line in the file, when the path could be found there. */
  line?: number;
}

export interface TariffCheck {
  file: string;
  ok: boolean;
  /** The parsed tariff, defaults filled, when `ok`. */
  tariff?: Tariff;
  /** Mistakes: the file cannot be used until they are fixed. */
  problems: TariffProblem[];
  /** Figures tagged U (placeholder) or C (third party) that must be confirmed on a real bill. */
  notes: TariffProblem[];
  /** The first month every table has an entry for ("YYYY-MM"), when `ok`. */
  billableFrom?: string;
}

export function checkTariffFile(path: string): TariffCheck {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === "ENOENT" ? "no such file" : err instanceof Error ? err.message : String(err);
    return {
      file: path,
      ok: false,
      problems: [{ path: "(file)", message: `cannot read: ${message}` }],
      notes: [],
    };
  }
  return checkTariffText(text, path);
}

/** The checks of checkTariffFile on text already in memory; `file` names it in messages. */
export function checkTariffText(text: string, file = "(text)"): TariffCheck {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({
      path: "(yaml)",
      message: e.message.split(" at line ")[0] ?? e.message,
      line: e.linePos?.[0]?.line,
    }));
    return { file, ok: false, problems, notes: [] };
  }
  const raw: unknown = doc.toJS();
  const lineOf = (path: (string | number)[]) => lineAt(doc, lineCounter, path);
  const notes = confidenceNotes(raw, []).map((n) => ({ ...n, line: lineOf(n.at) }));
  const parsed = tariffSchema.safeParse(raw ?? {}, { error: requiredMessage });
  if (!parsed.success)
    return { file, ok: false, problems: zodProblems(parsed.error, lineOf), notes: strip(notes) };
  const billableFrom = firstBillableMonth(parsed.data);
  return { file, ok: true, tariff: parsed.data, problems: [], notes: strip(notes), billableFrom };
}

/** Parses a tariff from YAML text; throws a ValidationError listing every problem. */
export function parseTariff(text: string, source = "(text)"): Tariff {
  return orThrow(checkTariffText(text, source));
}

/** Loads and validates a tariff file; throws a ValidationError listing every problem. */
export function loadTariff(path: string): Tariff {
  return orThrow(checkTariffFile(path));
}

function orThrow(check: TariffCheck): Tariff {
  if (check.ok && check.tariff) return check.tariff;
  const problems = check.problems.map((p) => ({
    path: p.path,
    message: p.line ? `${p.message} (line ${p.line})` : p.message,
  }));
  throw new ValidationError(`tariff ${check.file}`, problems);
}

/** zod's "expected number, received undefined" says less than "is required". */
function requiredMessage(issue: { code: string; input?: unknown }): string | undefined {
  return issue.code === "invalid_type" && issue.input === undefined ? "is required" : undefined;
}

type Path = (string | number)[];

/** zod issues as problems; an unknown-keys issue becomes one problem per key, at the key's own path. */
function zodProblems(error: z.ZodError, lineOf: (p: Path) => number | undefined): TariffProblem[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    const paths = issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...path, k]) : [path];
    return paths.map((p) => ({ path: formatPath(p), message: issue.message, line: lineOf(p) }));
  });
}

/** The line of the deepest node of `path` present in the document (the parent, for a missing key). */
function lineAt(doc: Document, counter: LineCounter, path: Path): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return counter.linePos(range[0]).line;
  }
  return undefined;
}

interface Note extends TariffProblem {
  at: Path;
}

const NOTE = {
  U: "unverified placeholder (confidence U): confirm it on a real bill or the contract before trusting savings",
  C: "third-party figure (confidence C): confirm it on a real bill",
};

/** Every object of the file tagged `confidence: U` or `C`, by path. */
function confidenceNotes(node: unknown, at: Path): Note[] {
  if (Array.isArray(node)) return node.flatMap((child, i) => confidenceNotes(child, [...at, i]));
  if (typeof node !== "object" || node === null) return [];
  const record = node as Record<string, unknown>;
  const own: Note[] =
    record.confidence === "U" || record.confidence === "C"
      ? [{ path: formatPath(at), message: NOTE[record.confidence], at }]
      : [];
  return [...own, ...Object.entries(record).flatMap(([key, child]) => confidenceNotes(child, [...at, key]))];
}

function strip(notes: Note[]): TariffProblem[] {
  return notes.map(({ at: _at, ...note }) => note);
}

/** The first month whose 1st day every required table covers. */
export function firstBillableMonth(tariff: Tariff): string {
  const starts: (readonly { from: string }[])[] = [
    tariff.vat,
    tariff.energy,
    tariff.fixed_fees,
    tariff.tppan,
  ];
  if (tariff.kind === "bt-two-period" || tariff.kind === "mt") starts.push(tariff.periods);
  if (tariff.kind === "mt") starts.push(tariff.power_charge, tariff.subscribed_power);
  const latest = starts
    .filter((list) => list.length > 0)
    .map((list) => list.map((e) => e.from).sort()[0] ?? "")
    .sort()
    .at(-1);
  if (!latest) return "";
  const [y, m, d] = latest.split("-").map(Number) as [number, number, number];
  if (d === 1) return latest.slice(0, 7);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}

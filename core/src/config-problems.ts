/**
 * What every checker of a YAML file needs to explain a problem the way a technician fixes it: zod's
 * issues turned into plain messages ("expected a number, not the text "502""; an unknown key with the
 * nearest known one: "did you mean `address`?"), each problem's line in the file (a path such as
 * `devices.2.port` mapped to its YAML node through yaml's LineCounter), and the name of the element it
 * belongs to (the device's id, the point's name) so "devices.2" reads as "device inv-3".
 *
 * Used by `jisr gateway check-config` and `jisr profile check`; any other config checker can use it:
 * parse with `readYaml`, validate, turn zod's error into problems with `zodProblems`, add the cross-field
 * problems, and pass them all through `locate` before printing them with `formatLocated`.
 */
import { closest, distance } from "fastest-levenshtein";
import { type Document, isMap, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { formatPath, type Problem } from "./errors.js";
import { unknownKeyMessage } from "./strict-object.js";

export type PathSegment = string | number;

/** A problem placed in its file: the line (1-based) and what it is about ("device inv-1"). */
export interface LocatedProblem extends Problem {
  line?: number;
  column?: number;
  /** The element the problem belongs to, e.g. 'device "inv-1"', 'point "pv_power_w"'. */
  name?: string;
}

/** A YAML text parsed once, with what it takes to find lines again. */
export interface YamlSource {
  doc: Document;
  lines: LineCounter;
  /** The plain value (`undefined` when the document is empty). */
  value: unknown;
  /** Syntax errors, each at its line: a document with any is not validated further. */
  errors: LocatedProblem[];
}

export function readYaml(text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const errors = doc.errors.map((e) => {
    const at = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    return {
      path: "(yaml)",
      message: (e.message.split(" at line ")[0] ?? e.message).trim(),
      line: at.line,
      column: at.col,
    };
  });
  return { doc, lines, value: errors.length ? undefined : doc.toJS(), errors };
}

/** "devices.2.port" → ["devices", 2, "port"]; "(root)" and "(…)" markers → []. */
export function parsePath(path: string): PathSegment[] {
  if (path === "" || path.startsWith("(")) return [];
  return path.split(".").map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

// ---- zod issues as messages a person understands ----------------------------------------------------

type AnySchema = z.ZodType;
interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  innerType?: AnySchema;
  in?: AnySchema;
  options?: AnySchema[];
  valueType?: AnySchema;
  left?: AnySchema;
  right?: AnySchema;
  getter?: () => AnySchema;
}

function defOf(schema: AnySchema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The object schemas a value at `path` may be checked against (several under a union). */
function objectsAt(schema: AnySchema, path: readonly PathSegment[], depth = 0): Def[] {
  if (depth > 64) return [];
  const def = defOf(schema);
  const inner = def.innerType ?? def.in ?? (def.type === "lazy" ? def.getter?.() : undefined);
  if (inner) return objectsAt(inner, path, depth + 1);
  if (def.type === "union") return (def.options ?? []).flatMap((o) => objectsAt(o, path, depth + 1));
  if (def.type === "intersection")
    return [def.left, def.right].flatMap((s) => (s ? objectsAt(s, path, depth + 1) : []));
  if (path.length === 0) return def.type === "object" ? [def] : [];
  const [head, ...rest] = path;
  if (def.type === "object" && typeof head === "string") {
    const next = def.shape?.[head];
    return next ? objectsAt(next, rest, depth + 1) : [];
  }
  if (def.type === "array" && typeof head === "number" && def.element)
    return objectsAt(def.element, rest, depth + 1);
  if (def.type === "record" && def.valueType) return objectsAt(def.valueType, rest, depth + 1);
  return [];
}

/** The keys an object at `path` of `schema` accepts. */
export function knownKeys(schema: AnySchema, path: readonly PathSegment[]): string[] {
  return [...new Set(objectsAt(schema, path).flatMap((d) => Object.keys(d.shape ?? {})))];
}

/** The known word nearest to a typo, when it is near enough to be what was meant. */
export function suggest(word: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(word.toLowerCase(), [...known]);
  const d = distance(word.toLowerCase(), best.toLowerCase());
  // Two edits for short words, a third of the word for long ones: "adress" → address, "colour" → nothing.
  return d > 0 && d <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** How a received value is named in a message: 'the number 30', 'the text "5 s"', 'a list'. */
export function describeValue(input: unknown): string {
  if (input === null) return "null (an empty value)";
  if (typeof input === "number") return `the number ${input}`;
  if (typeof input === "boolean") return `${input} (yes/no)`;
  if (typeof input === "string")
    return `the text ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`;
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a map of keys";
  return String(input);
}

const EXPECTED: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list (- item, or [a, b])",
  object: "a map of keys (key: value)",
  record: "a map of keys (key: value)",
};

/**
 * zod's own wording ("Invalid input: expected string, received number") said plainly, with the value
 * received; a message a schema wrote itself is kept as it is.
 */
function messageOf(issue: z.core.$ZodIssue, schema: AnySchema | undefined, value: unknown): string[] {
  const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  // zod keeps the input on an issue only when asked (reportInput): read it from the value instead.
  const at = valueAt(value, path);
  const input = (issue as { input?: unknown }).input ?? at.value;
  if (issue.code === "unrecognized_keys") {
    // Given the schema, each key gets its own message (strictObject's names them all at once); the rule
    // and the wording are strictObject's, so a key reads the same through either path.
    const known = schema ? knownKeys(schema, path) : [];
    if (known.length > 0) return issue.keys.map((key) => unknownKeyMessage(key, known));
    const own = issue.message.startsWith("Unrecognized key") ? "unknown key" : issue.message;
    return issue.keys.map(() => own);
  }
  if (issue.code === "invalid_type" && issue.message.startsWith("Invalid input: expected")) {
    if (input === undefined && !at.present) return ["is required"];
    const expected = EXPECTED[issue.expected] ?? issue.expected;
    return [`expected ${expected}, not ${describeValue(input)}`];
  }
  if (issue.code === "invalid_value" && !issue.message.startsWith("Invalid option")) {
    // The schema's own words ("must be one of: int16, ..."), with the option a typo was meant to be.
    const near = typeof input === "string" ? suggest(input, issue.values.map(String)) : undefined;
    return [near ? `${issue.message}: did you mean "${near}"?` : issue.message];
  }
  if (issue.code === "invalid_value") {
    const values = issue.values.map((v) => JSON.stringify(v));
    const near = typeof input === "string" ? suggest(input, issue.values.map(String)) : undefined;
    return [`must be one of ${values.join(", ")}${near ? `: did you mean "${near}"?` : ""}`];
  }
  return [issue.message];
}

/** The value at `path`, and whether its key is there at all (a key given no value is there). */
function valueAt(value: unknown, path: readonly PathSegment[]): { value: unknown; present: boolean } {
  let node = value;
  for (const seg of path) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, seg)) {
      return { value: undefined, present: false };
    }
    node = (node as Record<string | number, unknown>)[seg];
  }
  return { value: node, present: true };
}

/**
 * Every issue of a zod error as problems, at their paths; an unknown-keys issue becomes one problem per
 * key, at the key's own path, with the nearest known key as a suggestion. `value` is what was parsed,
 * for the values named in messages ('not the text "40001"').
 */
export function zodProblems(
  error: z.ZodError,
  schema?: AnySchema,
  value?: unknown,
  prefix: PathSegment[] = [],
): Problem[] {
  return error.issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
    const messages = messageOf(issue, schema, value);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key, i) => ({ path: formatPath([...path, key]), message: messages[i] ?? "" }));
    }
    return messages.map((message) => ({ path: formatPath(path), message }));
  });
}

// ---- where a problem is, and what it is about ------------------------------------------------------

/** The node at `path`, or the nearest ancestor that exists, and how much of the path was found. */
function nodeAt(doc: Document, path: readonly PathSegment[]): { node: Node | null; keyNode?: Node } {
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const k = p.key as { value?: unknown } | null;
        return String(k?.value ?? k) === String(seg);
      });
      // A missing key ("is required"): the line of the map's own key ("uplink:"), where it goes.
      if (!pair) return { node: keyNode ?? (node as Node), ...(keyNode ? { keyNode } : {}) };
      keyNode = pair.key as Node;
      node = pair.value;
      // A key without a value ("host:") has no node of its own: its key stands for it.
      if (node === null || node === undefined) return { node: keyNode, keyNode };
    } else if (isSeq(node) && typeof seg === "number" && node.items[seg]) {
      node = node.items[seg];
      keyNode = undefined;
    } else break;
  }
  return { node: (node as Node | null) ?? null, ...(keyNode ? { keyNode } : {}) };
}

/** The line and column (1-based) of the YAML at `path`: the key for an unknown key, else the value. */
export function lineOf(
  source: Pick<YamlSource, "doc" | "lines">,
  path: readonly PathSegment[],
  at: "key" | "value" = "value",
): { line: number; column: number } | undefined {
  const found = nodeAt(source.doc, path);
  const node = at === "key" && found.keyNode ? found.keyNode : found.node;
  const offset = node?.range?.[0];
  if (offset === undefined) return undefined;
  const pos = source.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

const SINGULAR: Record<string, string> = {
  devices: "device",
  points: "point",
  topics: "topic",
  fields: "field",
  institutions: "institution",
  recipients: "recipient",
};

/**
 * What the problem at `path` is about: the nearest list item on the path that has an id or a name,
 * e.g. 'device "inv-1"' for devices.0.port, 'point "pv_power_w"' for points.3.address.
 */
export function nameAt(value: unknown, path: readonly PathSegment[]): string | undefined {
  let node = value;
  let found: string | undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as PathSegment;
    if (node === null || typeof node !== "object") break;
    node = (node as Record<string | number, unknown>)[seg];
    const list = path[i - 1];
    if (typeof seg === "number" && typeof list === "string" && node && typeof node === "object") {
      const item = node as Record<string, unknown>;
      const id = [item.id, item.name, item.field, item.topic].find((x) => typeof x === "string" && x);
      const what = SINGULAR[list] ?? list.replace(/s$/, "");
      if (typeof id === "string") found = `${what} "${id}"`;
    }
  }
  return found;
}

/** Problems placed: each with its line and the element it is about (paths as "devices.2.port"). */
export function locate(
  problems: readonly Problem[],
  source: Pick<YamlSource, "doc" | "lines" | "value">,
): LocatedProblem[] {
  return problems.map((p) => {
    if ((p as LocatedProblem).line !== undefined) return p;
    const path = parsePath(p.path);
    const at = lineOf(source, path, p.message.startsWith("unknown key") ? "key" : "value");
    const name = nameAt(source.value, path);
    return { ...p, ...(at ? { line: at.line, column: at.column } : {}), ...(name ? { name } : {}) };
  });
}

/** Problems in the order of the file (then as found), so the reader goes down the file once. */
export function byLine<T extends LocatedProblem>(problems: readonly T[]): T[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) => (a.p.line ?? Number.MAX_SAFE_INTEGER) - (b.p.line ?? Number.MAX_SAFE_INTEGER) || a.i - b.i,
    )
    .map((x) => x.p);
}

/** Each problem once (two rules may find the same thing). */
export function distinct<T extends Problem>(problems: readonly T[]): T[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\n${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * One problem as printed: its path and message first (what to fix), then where: the file and line, and
 * the element ("  - devices.1.port: must be between 1 and 65535\n    at gateway.yaml:7, device "inv-2"").
 */
export function formatLocated(p: LocatedProblem, file?: string): string {
  const where = [
    file !== undefined && p.line !== undefined
      ? `${file}:${p.line}`
      : p.line !== undefined
        ? `line ${p.line}`
        : "",
    p.name ?? "",
  ].filter(Boolean);
  return `  - ${p.path}: ${p.message}\n${where.length ? `    at ${where.join(", ")}\n` : ""}`;
}

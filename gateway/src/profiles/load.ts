/**
 * Loading a profile: by built-in name (gateway/profiles/modbus/<class>/<name>.yaml) or by path, with its
 * `extends` merged in, checked by the schema and by check.ts. Every problem is reported at once, by file
 * and path, so a technician fixes a new profile in one go.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatPath, type Problem, ValidationError } from "@jisr/core";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { checkProfile } from "./check.js";
import { missingAddressComments } from "./comments.js";
import { EMPTY, fromFile, type MergedRaw, mergeOver } from "./merge.js";
import { type Profile, resolveProfile } from "./profile.js";
import { profileFileSchema, profileSchema } from "./schema.js";

/** Where the built-in profiles live. */
export const BUILTIN_PROFILES_DIR = fileURLToPath(new URL("../../profiles/modbus/", import.meta.url));

/** A profile that cannot be used: every problem, by path (prefixed with the file when it is another one). */
export class ProfileError extends ValidationError {
  override name = "ProfileError";
}

export interface BuiltinProfile {
  /** Name used in a gateway config, e.g. "huawei-sun2000". */
  name: string;
  /** Device class: the folder (inverter, meter, heat-meter, ...). */
  class: string;
  file: string;
}

/** The built-in profiles, by class then name. Files starting with `_` are blocks, not profiles. */
export function listBuiltinProfiles(dir = BUILTIN_PROFILES_DIR): BuiltinProfile[] {
  const classes = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory());
  return classes
    .flatMap((c) =>
      readdirSync(join(dir, c.name))
        .filter((f) => f.endsWith(".yaml") && !f.startsWith("_"))
        .map((f) => ({ name: f.slice(0, -".yaml".length), class: c.name, file: join(dir, c.name, f) })),
    )
    .sort((a, b) => a.class.localeCompare(b.class) || a.name.localeCompare(b.name));
}

function isPath(nameOrPath: string): boolean {
  return /\.ya?ml$/i.test(nameOrPath);
}

/** The file of a built-in name ("huawei-sun2000" or "inverter/huawei-sun2000"), or undefined. */
export function builtinProfileFile(name: string, dir = BUILTIN_PROFILES_DIR): string | undefined {
  return listBuiltinProfiles(dir).find((b) => b.name === name || `${b.class}/${b.name}` === name)?.file;
}

/** "unknown profile", listing the names that exist. */
export function unknownName(name: string, dir = BUILTIN_PROFILES_DIR): Problem {
  const names = listBuiltinProfiles(dir).map((b) => b.name);
  return {
    path: "profile",
    message: `unknown profile "${name}"; built-in profiles: sunspec, ${names.join(", ")} (or give a .yaml file)`,
  };
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "is a folder";
  return err instanceof Error ? err.message : String(err);
}

/** zod's "expected string, received undefined" says less than "is required". */
function requiredMessage(issue: { code: string; input?: unknown }): string | undefined {
  return issue.code === "invalid_type" && issue.input === undefined ? "is required" : undefined;
}

function zodProblems(error: z.ZodError, prefix: string): Problem[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
    return keys.map((k) => ({
      path: prefix + formatPath(k === undefined ? path : [...path, k]),
      message: issue.message,
    }));
  });
}

export interface LoadFindings {
  profile?: Profile;
  errors: Problem[];
  warnings: Problem[];
}

class Loader {
  readonly errors: Problem[] = [];
  readonly warnings: Problem[] = [];
  /** A file could not be read or parsed, or an extends is missing: the merged profile means nothing. */
  broken = false;
  constructor(
    readonly main: string,
    readonly builtins: string,
  ) {}

  /** A file as named in messages: relative to the main file's folder. */
  name(file: string): string {
    return relative(dirname(this.main), file) || basename(file);
  }

  /** How a problem in `file` is named: bare for the main file, prefixed with the file otherwise. */
  prefix(file: string): string {
    return file === this.main ? "" : `${this.name(file)}: `;
  }

  /** One file, its own extends merged first. `stack` detects cycles. */
  load(file: string, stack: string[]): MergedRaw {
    const prefix = this.prefix(file);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      this.errors.push({ path: `${prefix}(file)`, message: `cannot read "${file}": ${reason(err)}` });
      this.broken = true;
      return EMPTY;
    }
    const doc = parseDocument(text);
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const at = e.linePos?.[0];
        const where = at ? `(yaml line ${at.line}, column ${at.col})` : "(yaml)";
        this.errors.push({ path: prefix + where, message: e.message.split(" at line ")[0] ?? e.message });
      }
      this.broken = true;
      return EMPTY;
    }
    const raw: unknown = doc.toJS() ?? {};
    const parsed = profileFileSchema.safeParse(raw, { error: requiredMessage });
    if (!parsed.success) this.errors.push(...zodProblems(parsed.error, prefix));
    this.warnings.push(...missingAddressComments(doc, text).map((p) => ({ ...p, path: prefix + p.path })));
    const record = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? raw : {};
    const own = fromFile(record as Record<string, unknown>, file);
    return mergeOver(this.bases(file, own.raw, [...stack, file]), own);
  }

  bases(file: string, raw: Record<string, unknown>, stack: string[]): MergedRaw {
    const ext = raw.extends;
    const list =
      typeof ext === "string" ? [ext] : Array.isArray(ext) ? ext.filter((e) => typeof e === "string") : [];
    let merged = EMPTY;
    for (const entry of list) {
      const target = isPath(entry) ? resolve(dirname(file), entry) : builtinProfileFile(entry, this.builtins);
      if (target === undefined) {
        const problem = unknownName(entry, this.builtins);
        this.errors.push({ path: `${this.prefix(file)}extends`, message: problem.message });
        this.broken = true;
        continue;
      }
      if (stack.includes(target)) {
        const chain = [...stack.slice(stack.indexOf(target)), target].map((f) => this.name(f)).join(" -> ");
        this.errors.push({ path: `${this.prefix(file)}extends`, message: `extends itself: ${chain}` });
        this.broken = true;
        continue;
      }
      merged = mergeOver(merged, this.load(target, stack));
    }
    return merged;
  }

  /** A merged point's path (points.N...) and the points its message names, as file and index as written. */
  locate(origins: MergedRaw["origins"], problem: Problem): Problem {
    const where = (n: string) => {
      const origin = origins[Number(n)];
      return origin ? `${this.prefix(origin.file)}points.${origin.index}` : `points.${n}`;
    };
    const m = /^points\.(\d+)(.*)$/.exec(problem.path);
    return {
      path: m ? `${where(m[1] ?? "")}${m[2]}` : problem.path,
      message: problem.message.replace(/\bpoints\.(\d+)\b/g, (_, n: string) => where(n)),
    };
  }
}

/**
 * Loads a profile and reports everything found: schema and rule errors (profile undefined when any) and
 * warnings. `source` is a path; `name` is how the profile is named in results.
 */
export function inspectProfileFile(
  source: string,
  name = source,
  builtins = BUILTIN_PROFILES_DIR,
): LoadFindings {
  const file = resolve(source);
  const loader = new Loader(file, builtins);
  const merged = loader.load(file, []);
  if (loader.broken) return { errors: loader.errors, warnings: loader.warnings };
  const parsed = profileSchema.safeParse(merged.raw, { error: requiredMessage });
  if (!parsed.success || loader.errors.length > 0) {
    // The whole profile's problems too (a key no file gives), each problem once.
    const whole = parsed.success
      ? []
      : zodProblems(parsed.error, "").map((p) => loader.locate(merged.origins, p));
    const seen = new Set(loader.errors.map((p) => `${p.path}\n${p.message}`));
    const errors = [...loader.errors, ...whole.filter((p) => !seen.has(`${p.path}\n${p.message}`))];
    return { errors, warnings: loader.warnings };
  }
  const profile = resolveProfile(parsed.data, name, file);
  const found = checkProfile(profile);
  const locate = (p: Problem) => loader.locate(merged.origins, p);
  const warnings = [...loader.warnings, ...found.warnings.map(locate)];
  if (found.errors.length > 0) return { errors: found.errors.map(locate), warnings };
  return { profile, errors: [], warnings };
}

/**
 * The profile's files merged as written, before the schema (extends resolved), for checks that run on the
 * part of a broken profile that is sound; `locate` names a merged point's problem by the file and index it
 * was written at. Undefined when a file cannot be read or parsed, or an extends is missing.
 */
export function mergeProfileFiles(
  source: string,
  builtins = BUILTIN_PROFILES_DIR,
): { raw: Record<string, unknown>; locate: (problem: Problem) => Problem } | undefined {
  const file = resolve(source);
  const loader = new Loader(file, builtins);
  const merged = loader.load(file, []);
  if (loader.broken) return undefined;
  return { raw: merged.raw, locate: (p) => loader.locate(merged.origins, p) };
}

/**
 * A profile by built-in name or by path (.yaml, relative to `baseDir`, e.g. the gateway config's folder).
 * Throws ProfileError listing every problem.
 */
export function loadProfile(
  nameOrPath: string,
  baseDir = process.cwd(),
  builtins = BUILTIN_PROFILES_DIR,
): Profile {
  const file = isPath(nameOrPath) ? resolve(baseDir, nameOrPath) : builtinProfileFile(nameOrPath, builtins);
  if (file === undefined) throw new ProfileError("profile", [unknownName(nameOrPath, builtins)]);
  const name = isPath(nameOrPath) ? nameOrPath : nameOrPath.replace(/^.*\//, "");
  const found = inspectProfileFile(file, name, builtins);
  if (!found.profile) throw new ProfileError(`profile ${file}`, found.errors);
  return found.profile;
}

/**
 * `jisr profile check FILE` in one pass, for every device profile of the one schema (schema.ts): Modbus
 * profiles (gateway/profiles/modbus/) and MQTT payload profiles (gateway/profiles/mqtt/), told apart by
 * `protocol` (or, when a file leaves it out, by its keys: `inferProtocol`): the schema's problems AND the rules across points
 * or topics (overlapping registers, duplicate names, units against field names, ...) together, each at
 * its line, named by its point or topic, with the nearest key for a misspelt one.
 *
 * The rules need well-formed points; when some points break the schema, the rules still run on the
 * points that pass it (their indexes kept), so an overlap is reported beside a misspelt key elsewhere,
 * not on the next attempt.
 */
import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import type { Problem } from "@jisr/core";
import {
  byLine,
  distinct,
  type LocatedProblem,
  locate,
  readYaml,
  type YamlSource,
  zodProblems,
} from "@jisr/core";
import type { z } from "zod";
import { checkProfile } from "./check.js";
import { checkMqttProfile } from "./check-mqtt.js";
import { inspectProfileFile, mergeProfileFiles } from "./load.js";
import { mqttProfileSchema, topicSchema } from "./mqtt-schema.js";
import { type Profile, resolveProfile } from "./profile.js";
import { inferProtocol, pointSchema, profileFileSchema, profileSchema } from "./schema.js";

export interface ProfileCheck {
  kind: "modbus" | "mqtt";
  errors: LocatedProblem[];
  warnings: LocatedProblem[];
  /** The Modbus profile, when it has no error. */
  profile?: Profile;
  /** MQTT: topics, when it has no error. */
  topics?: number;
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);

/** "points.3…" of a list of kept items → the index they had in the file; messages naming points too. */
function renumber(p: Problem, list: string, kept: readonly number[]): Problem {
  const fix = (n: string) => String(kept[Number(n)] ?? n);
  const re = new RegExp(`\\b${list}\\.(\\d+)\\b`, "g");
  return {
    path: p.path.replace(re, (_, n: string) => `${list}.${fix(n)}`),
    message: p.message.replace(re, (_, n: string) => `${list}.${fix(n)}`),
  };
}

/** Indexes of the items of `list` that pass `schema`, and their parsed values. */
function validItems<T>(list: unknown, schema: z.ZodType<T>): { kept: number[]; items: T[] } {
  const kept: number[] = [];
  const items: T[] = [];
  (Array.isArray(list) ? list : []).forEach((item, i) => {
    const r = schema.safeParse(item);
    if (r.success) {
      kept.push(i);
      items.push(r.data);
    }
  });
  return { kept, items };
}

/**
 * The rules across the points that pass the schema, when others do not. With `extends`, on the merged
 * points (the bases' and the file's), each problem named by the file and index it was written at. The
 * sections the rules need (read, defaults) are taken as given when valid, else at their defaults.
 */
function rulesOnValidPoints(own: Record<string, unknown>, file: string): Problem[] {
  const merged = own.extends !== undefined ? mergeProfileFiles(file) : undefined;
  if (own.extends !== undefined && merged === undefined) return []; // a base unreadable: said already
  const raw = merged?.raw ?? own;
  const place = merged?.locate ?? ((p: Problem) => p);
  const { kept, items } = validItems(raw.points, pointSchema);
  if (items.length === 0) return [];
  const shape = profileSchema.shape;
  const section = <K extends "read" | "defaults">(key: K) => {
    const r = shape[key].safeParse(raw[key]);
    return r.success ? r.data : shape[key].parse(undefined);
  };
  const identify = shape.identify.safeParse(raw.identify);
  const spec = {
    products: [],
    description: { en: "", fr: "", ar: "" },
    ...(identify.success && identify.data ? { identify: identify.data } : {}),
    read: section("read"),
    defaults: section("defaults"),
    points: items,
  } as unknown as z.output<typeof profileSchema>;
  const found = checkProfile(resolveProfile(spec, basename(file), file));
  return found.errors.map((p) => place(renumber(p, "points", kept)));
}

function checkModbus(file: string, source: YamlSource): ProfileCheck {
  const found = inspectProfileFile(file);
  if (found.profile) {
    return { kind: "modbus", errors: [], warnings: located(found.warnings, source), profile: found.profile };
  }
  const raw = isRecord(source.value) ? source.value : {};
  // The main file's schema problems again, in plain words and with suggestions; the loader's own for
  // the files it extends ("base.yaml: points.2.type").
  const parsed = profileFileSchema.safeParse(raw);
  const own = parsed.success ? [] : zodProblems(parsed.error, profileFileSchema, raw);
  const ownPaths = new Set(own.map((p) => p.path));
  const loader = found.errors.filter((p) => !ownPaths.has(p.path));
  const errors = distinct([...own, ...loader, ...rulesOnValidPoints(raw, file)]);
  return { kind: "modbus", errors: located(errors, source), warnings: located(found.warnings, source) };
}

function checkMqtt(source: YamlSource): ProfileCheck {
  // A file without `protocol` that has `topics` is an MQTT profile (schema.ts, inferProtocol).
  const raw = isRecord(source.value) ? { protocol: "mqtt", ...source.value } : source.value;
  const parsed = mqttProfileSchema.safeParse(raw ?? {});
  if (parsed.success) {
    const errors = checkMqttProfile(parsed.data);
    return { kind: "mqtt", errors: located(errors, source), warnings: [], topics: parsed.data.topics.length };
  }
  const problems = zodProblems(parsed.error, mqttProfileSchema, raw);
  // The rules on the topics that pass the schema, with the roles as given (or none, when they do not).
  const record = isRecord(raw) ? raw : {};
  const roles = mqttProfileSchema.shape.roles.safeParse(record.roles);
  const { kept, items } = validItems(record.topics, topicSchema);
  if (roles.success && items.length > 0) {
    // checkMqttProfile reads the roles and the topics only.
    const partial = { roles: roles.data, topics: items } as z.output<typeof mqttProfileSchema>;
    problems.push(...checkMqttProfile(partial).map((p) => renumber(p, "topics", kept)));
  }
  return { kind: "mqtt", errors: located(distinct(problems), source), warnings: [] };
}

/** Problems of the main file placed at their lines; those of another file (prefixed) as they are. */
function located(problems: readonly Problem[], source: YamlSource): LocatedProblem[] {
  const own = problems.filter((p) => !/^[^\s:]+\.ya?ml: /.test(p.path) && !p.path.startsWith("("));
  const ownSet = new Set(own);
  const placed = locate(own, source);
  const rest = problems.filter((p) => !ownSet.has(p));
  return byLine([...placed, ...rest]);
}

/** Checks a Modbus or MQTT profile file, every problem in one pass. */
export function checkProfileFile(path: string): ProfileCheck {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder" : String(err);
    return {
      kind: "modbus",
      errors: [{ path: "(file)", message: `cannot read "${file}": ${why}` }],
      warnings: [],
    };
  }
  const source = readYaml(text);
  if (source.errors.length > 0) return { kind: "modbus", errors: source.errors, warnings: [] };
  const { protocol, given } = inferProtocol(source.value);
  const found = protocol === "mqtt" ? checkMqtt(source) : checkModbus(file, source);
  // A file that extends others takes their protocol; one that says nothing is read by the rule, and told.
  if (given || !isRecord(source.value) || source.value.extends !== undefined) return found;
  const why = protocol === "mqtt" ? "it has topics" : "it has no topics";
  const warning = {
    path: "(protocol)",
    message: `not given; read as ${protocol} (${why}): add "protocol: ${protocol}"`,
  };
  return { ...found, warnings: [warning, ...found.warnings] };
}

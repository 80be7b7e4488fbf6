/**
 * Rules of an MQTT profile that the schema cannot express per field: topic patterns, captures used by
 * tags, units against field names, the fixed tag set of each measurement, fields written twice. Every
 * problem names its path (`topics.2.fields.0.field`), so `jisr profile check` can point at the line.
 */
import { formatPath, type Problem } from "@jisr/core";
import { topicPatternProblem } from "../mqtt/topic-pattern.js";
import type { FieldSpec, MqttProfileSpec, Role, TopicSpec } from "./mqtt-schema.js";
import { MEASUREMENT_TAGS, UNIT_SUFFIX } from "./register-types.js";

const PLACEHOLDER = /\{([a-z][a-z0-9_]*)\}/g;

export function checkMqttProfile(spec: MqttProfileSpec): Problem[] {
  const problems: Problem[] = [];
  spec.topics.forEach((topic, t) => {
    const at = (...path: (string | number)[]) => formatPath(["topics", t, ...path]);
    const patternProblem = topicPatternProblem(topic.topic);
    if (patternProblem) problems.push({ path: at("topic"), message: patternProblem });
    problems.push(...tagProblems(topic, at));
    problems.push(...deviceProblems(topic, at));
    topic.fields.forEach((field, f) => {
      problems.push(...fieldProblems(field, spec.roles, (...p) => at("fields", f, ...p)));
    });
    problems.push(...measurementProblems(topic, spec.roles, at));
    problems.push(...duplicateProblems(topic, spec.roles, at));
  });
  // A rule broken for two roles is one mistake in the file: report it once.
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(`${p.path}|${p.message}`) && seen.add(`${p.path}|${p.message}`));
}

type At = (...path: (string | number)[]) => string;

/** A device template may only use "{device}" and captures of its own topic pattern. */
function deviceProblems(topic: TopicSpec, at: At): Problem[] {
  if (topic.device === undefined) return [];
  const captures = new Set([...topic.topic.matchAll(/\{([a-z][a-z0-9_]*)(?::[^{}]+)?\}/g)].map((m) => m[1]));
  return [...topic.device.matchAll(/\{([a-z][a-z0-9_]*)\}/g)]
    .filter((m) => m[1] !== "device" && (m[1] === "topic" || !captures.has(m[1])))
    .map((m) => ({ path: at("device"), message: `"{${m[1]}}" is not captured by the topic pattern` }));
}

/** A tag value may only use captures of its own topic pattern. */
function tagProblems(topic: TopicSpec, at: At): Problem[] {
  const captures = new Set([...topic.topic.matchAll(/\{([a-z][a-z0-9_]*)(?::[^{}]+)?\}/g)].map((m) => m[1]));
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(topic.tags ?? {})) {
    for (const m of value.matchAll(PLACEHOLDER)) {
      if (m[1] === "topic" || !captures.has(m[1])) {
        problems.push({ path: at("tags", key), message: `"{${m[1]}}" is not captured by the topic pattern` });
      }
    }
    if (key === "institution" || key === "device")
      problems.push({ path: at("tags", key), message: "is set by the gateway, not by a profile" });
  }
  return problems;
}

/** The field names this spec writes, one per role that writes it. */
export function fieldNames(field: FieldSpec, roles: readonly Role[]): Array<{ role: Role; name: string }> {
  return roles.flatMap((role) => {
    const name = typeof field.field === "string" ? field.field : field.field[role];
    return name === undefined ? [] : [{ role, name }];
  });
}

function fieldProblems(field: FieldSpec, roles: readonly Role[], at: At): Problem[] {
  const problems: Problem[] = [];
  if (typeof field.field === "object") {
    for (const role of Object.keys(field.field)) {
      if (!roles.includes(role as Role))
        problems.push({ path: at("field", role), message: `"${role}" is not one of the profile's roles` });
    }
  }
  if (field.type !== "number") {
    for (const key of ["unit", "scale", "combine"] as const) {
      if (field[key] !== undefined)
        problems.push({ path: at(key), message: `applies to numbers only (this value is a ${field.type})` });
    }
    return problems;
  }
  if (field.unit === undefined) {
    problems.push({ path: at("unit"), message: "is required for a number: say what the value measures" });
    return problems;
  }
  const suffix = UNIT_SUFFIX[field.unit as keyof typeof UNIT_SUFFIX];
  for (const { name } of fieldNames(field, roles)) {
    if (!name.endsWith(suffix))
      problems.push({
        path: at("field"),
        message: `"${name}" must end with "${suffix}" (unit ${field.unit})`,
      });
  }
  return problems;
}

/** A measurement's tag set never changes (InfluxDB 3.x): the topic must give exactly its tags. */
function measurementProblems(topic: TopicSpec, roles: readonly Role[], at: At): Problem[] {
  const given = Object.keys(topic.tags ?? {}).sort();
  const measurements = new Set(
    topic.fields.flatMap((f) =>
      fieldNames(f, roles).map(({ role }) => f.measurement ?? topic.measurement ?? role),
    ),
  );
  const problems: Problem[] = [];
  for (const m of measurements) {
    const expected = MEASUREMENT_TAGS[m];
    if (expected === undefined || [...expected].sort().join(",") === given.join(",")) continue;
    const want = expected.length === 0 ? "no tags" : `the tags ${expected.join(", ")}`;
    problems.push({ path: at("tags"), message: `${m} points carry ${want} besides institution and device` });
  }
  return problems;
}

/** One field written by several paths is only meaningful as their mean. */
function duplicateProblems(topic: TopicSpec, roles: readonly Role[], at: At): Problem[] {
  const writers = new Map<string, number[]>();
  topic.fields.forEach((f, i) => {
    for (const { role, name } of fieldNames(f, roles)) {
      const key = `${role}|${f.measurement ?? topic.measurement ?? role}|${name}`;
      writers.set(key, [...(writers.get(key) ?? []), i]);
    }
  });
  const problems: Problem[] = [];
  for (const [key, indexes] of writers) {
    if (indexes.length < 2 || indexes.every((i) => topic.fields[i]?.combine === "mean")) continue;
    const name = key.split("|")[2];
    problems.push({
      path: at("fields", indexes[1] ?? 0, "field"),
      message: `"${name}" is also written by fields.${indexes[0]}: give each path its own field, or combine: mean on all`,
    });
  }
  return problems;
}

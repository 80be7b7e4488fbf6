/**
 * Reads the alerting config once, at the process edge: YAML → strict schema → cross-field checks →
 * secrets from the environment. Every problem is reported at once, by path (STYLE habit 3).
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { isTimeZone } from "@jisr/core";
import { formatPath, type Problem, problemsOf, ValidationError } from "@jisr/core/errors";
import { hashToken, TOKEN_PATTERN } from "@jisr/service-kit";
import { parseDocument } from "yaml";
import { loadRulesConfig } from "../rules/config/load.js";
import { RULE_IDS } from "../rules/types.js";
import { type AlertingConfig, alertingConfigSchema } from "./schema.js";

export interface LoadOptions {
  /** Named in errors ("alerting config /etc/jisr/alerting.yaml is not valid"). */
  source?: string;
  /** A relative state_file is relative to this folder (the config file's). */
  baseDir?: string;
  /** Where *_env secrets are looked up; process.env by default. */
  env?: Record<string, string | undefined>;
}

export function loadAlertingConfig(path: string, options: Omit<LoadOptions, "source" | "baseDir"> = {}) {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const message = `cannot read: ${(err as Error).message}`;
    throw new ValidationError(`alerting config ${path}`, [{ path: "(file)", message }]);
  }
  return parseAlertingConfig(text, { ...options, source: path, baseDir: dirname(resolve(path)) });
}

export function parseAlertingConfig(text: string, options: LoadOptions = {}): AlertingConfig {
  const subject = `alerting config${options.source ? ` ${options.source}` : ""}`;
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({
      path: e.linePos ? `line ${e.linePos[0].line}` : "(file)",
      message: e.message.split(" at line ")[0] ?? e.message,
    }));
    throw new ValidationError(subject, problems);
  }
  const env = options.env ?? process.env;
  const tokenProblems: Problem[] = [];
  const raw: unknown = tokensFromEnv(doc.toJS() ?? {}, env, tokenProblems);
  const parsed = alertingConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ValidationError(subject, [...tokenProblems, ...problemsOf(parsed.error)]);
  const config = parsed.data;
  const problems = [...tokenProblems, ...crossCheck(config)];
  problems.push(...resolveSecrets(config, env));
  const rules = rulesFromFile(config, raw, options.baseDir, problems);
  if (problems.length > 0) throw new ValidationError(subject, problems);
  return { ...config, rules, state_file: resolveStateFile(config.state_file, options.baseDir) };
}

/**
 * An API token may be given as `token_env: NAME` (the token itself in that environment variable) instead
 * of `sha256`: a deployment (docker-compose.yml) then hands the same secret to the alerting service and
 * to the web page, which sends it. Only its SHA-256 is kept, as for a written entry.
 */
function tokensFromEnv(raw: unknown, env: Record<string, string | undefined>, problems: Problem[]): unknown {
  const tokens = (raw as { api?: { tokens?: unknown } }).api?.tokens;
  if (!Array.isArray(tokens)) return raw;
  tokens.forEach((entry: unknown, i) => {
    if (typeof entry !== "object" || entry === null || !("token_env" in entry)) return;
    const { token_env: name, ...rest } = entry as Record<string, unknown>;
    const path = `api.tokens.${i}.token_env`;
    if ("sha256" in rest) problems.push({ path, message: "give sha256 or token_env, not both" });
    else if (typeof name !== "string" || !env[name])
      problems.push({ path, message: `environment variable ${String(name)} is not set` });
    else if (!TOKEN_PATTERN.test(env[name] as string))
      problems.push({ path, message: `${name} is not a jisr_ token (jisr alerting token makes one)` });
    else {
      tokens[i] = { ...rest, sha256: hashToken(env[name] as string) };
      return;
    }
    // Reported above; a placeholder so the schema does not also say sha256 is missing.
    tokens[i] = { ...rest, sha256: "0".repeat(64) };
  });
  return raw;
}

/** The rules of `rules_file` when given (its problems are reported as this file's), else `rules`. */
function rulesFromFile(
  config: AlertingConfig,
  raw: unknown,
  baseDir: string | undefined,
  problems: Problem[],
): AlertingConfig["rules"] {
  if (config.rules_file === undefined) return config.rules;
  if (typeof raw === "object" && raw !== null && "rules" in raw) {
    problems.push({ path: "rules_file", message: "give rules or rules_file, not both" });
    return config.rules;
  }
  try {
    return loadRulesConfig(resolve(baseDir ?? process.cwd(), config.rules_file));
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    problems.push(...err.problems.map((p) => ({ path: `rules_file ${p.path}`, message: p.message })));
    return config.rules;
  }
}

function resolveStateFile(file: string, baseDir = process.cwd()): string {
  return file === ":memory:" ? file : resolve(baseDir, file);
}

function duplicates(ids: readonly string[], path: (i: number) => (string | number)[]): Problem[] {
  const first = new Map<string, number>();
  const problems: Problem[] = [];
  ids.forEach((id, i) => {
    const seen = first.get(id);
    if (seen === undefined) first.set(id, i);
    else problems.push({ path: formatPath(path(i)), message: `duplicates ${formatPath(path(seen))}` });
  });
  return problems;
}

function crossCheck(config: AlertingConfig): Problem[] {
  const problems: Problem[] = [];
  const known = new Set(config.institutions.map((i) => i.id));
  if (!isTimeZone(config.timezone))
    problems.push({ path: "timezone", message: `"${config.timezone}" is not a known time zone` });
  problems.push(
    ...duplicates(
      config.institutions.map((i) => i.id),
      (i) => ["institutions", i, "id"],
    ),
  );
  problems.push(
    ...duplicates(
      config.recipients.map((r) => r.id),
      (i) => ["recipients", i, "id"],
    ),
  );
  problems.push(
    ...duplicates(
      config.api.tokens.map((t) => t.id),
      (i) => ["api", "tokens", i, "id"],
    ),
  );
  problems.push(
    ...duplicates(
      config.api.tokens.map((t) => t.sha256),
      (i) => ["api", "tokens", i, "sha256"],
    ),
  );
  const scopes = [
    ...config.recipients.map((r, i) => ({ list: r.institutions, path: ["recipients", i, "institutions"] })),
    ...config.api.tokens.map((t, i) => ({
      list: t.institutions,
      path: ["api", "tokens", i, "institutions"],
    })),
  ];
  for (const { list, path } of scopes) {
    list.forEach((id, j) => {
      if (id !== "*" && !known.has(id))
        problems.push({ path: formatPath([...path, j]), message: `"${id}" is not one of institutions[].id` });
    });
  }
  config.recipients.forEach((r, i) => {
    if (r.channels.email && !config.delivery.smtp)
      problems.push({ path: `recipients.${i}.channels.email`, message: "needs delivery.smtp" });
    if (r.channels.mqtt_topic && !config.delivery.mqtt)
      problems.push({ path: `recipients.${i}.channels.mqtt_topic`, message: "needs delivery.mqtt" });
  });
  if (config.delivery.backoff_initial > config.delivery.backoff_max)
    problems.push({
      path: "delivery.backoff_initial",
      message: "must not be longer than delivery.backoff_max",
    });
  const rules = new Set<string>(RULE_IDS);
  for (const name of Object.keys(config.timings.rules)) {
    if (!rules.has(name))
      problems.push({
        path: `timings.rules.${name}`,
        message: `is not a rule; rules are ${RULE_IDS.join(", ")}`,
      });
  }
  return problems;
}

/** Replaces each `password_env` by the variable's value, in place; a missing variable is a problem. */
function resolveSecrets(config: AlertingConfig, env: Record<string, string | undefined>): Problem[] {
  const problems: Problem[] = [];
  for (const [path, section] of [
    ["delivery.smtp", config.delivery.smtp],
    ["delivery.mqtt", config.delivery.mqtt],
  ] as const) {
    if (!section?.password_env) continue;
    if (section.password !== undefined) {
      problems.push({ path: `${path}.password`, message: "give password or password_env, not both" });
      continue;
    }
    const value = env[section.password_env];
    if (value === undefined || value === "")
      problems.push({
        path: `${path}.password_env`,
        message: `environment variable ${section.password_env} is not set`,
      });
    else section.password = value;
  }
  return problems;
}

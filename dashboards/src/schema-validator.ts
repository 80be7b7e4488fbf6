/**
 * Grafana's strict JSON schema for the classic dashboard model (grafana-foundation-sdk, in
 * ../shared/reference/grafana-schema/), compiled with Ajv. Only for checks: ../shared exists in this
 * workspace and in CI, not in a user's clone, so callers skip when the file is absent.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export const DASHBOARD_SCHEMA = resolve(
  repoRoot,
  "../shared/reference/grafana-schema/dashboard.jsonschema.json",
);

export function schemaAvailable(path = DASHBOARD_SCHEMA): boolean {
  return existsSync(path);
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** The schema names its draft-07 meta-schema by a URL; Ajv 8 validates draft-07 natively, so it is dropped. */
export function dashboardValidator(path = DASHBOARD_SCHEMA): ValidateFunction {
  const { $schema: _metaSchema, ...schema } = JSON.parse(readFileSync(path, "utf8"));
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

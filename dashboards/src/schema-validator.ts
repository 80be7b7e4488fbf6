/**
 * Grafana's strict JSON schema for the classic dashboard model (grafana-foundation-sdk), vendored with its
 * licence in vendor/grafana-schema/ so the check runs in every clone; compiled with Ajv.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export const DASHBOARD_SCHEMA = resolve(repoRoot, "vendor/grafana-schema/dashboard.jsonschema.json");

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** The schema names its draft-07 meta-schema by a URL; Ajv 8 validates draft-07 natively, so it is dropped. */
export function dashboardValidator(path = DASHBOARD_SCHEMA): ValidateFunction {
  const { $schema: _metaSchema, ...schema } = JSON.parse(readFileSync(path, "utf8"));
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

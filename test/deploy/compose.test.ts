/**
 * docker-compose.yml cannot be run here (no Docker engine), so it is checked the way `docker compose config`
 * would: against the official Compose JSON schema, plus the references a schema cannot see.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const schemaPath = resolve(root, "../shared/reference/compose-spec/compose-spec.json");
const compose = parse(readFileSync(join(root, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, Record<string, unknown>>;
  volumes: Record<string, unknown>;
};
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** The spec names its meta-schema by an https URL Ajv does not bundle; it is plain draft-07. */
function composeValidator() {
  const { $schema: _metaSchema, ...schema } = JSON.parse(readFileSync(schemaPath, "utf8"));
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe.skipIf(!existsSync(schemaPath))(
  "docker-compose.yml against the official Compose schema (needs ../shared)",
  () => {
    it("validates", () => {
      const validate = composeValidator();
      const ok = validate(compose);
      expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
      expect(ok).toBe(true);
    });

    it("the schema really rejects a broken file (so the check above can fail)", () => {
      const validate = composeValidator();
      expect(validate({ services: { x: { image: "a", restart_policy: "always", ports: "8080" } } })).toBe(
        false,
      );
    });
  },
);

describe("docker-compose.yml references", () => {
  it("runs the production shape: InfluxDB, Mosquitto, Grafana, ingestion, a simulator and a gateway", () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(["influxdb", "mosquitto", "grafana", "ingestion", "inverter-sim", "gateway"]),
    );
  });

  it("every depends_on names a service, every named volume is declared", () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const dep of Object.keys((svc.depends_on as Record<string, unknown>) ?? {})) {
        expect(compose.services, `${name} depends on ${dep}`).toHaveProperty(dep);
      }
      for (const vol of (svc.volumes as string[]) ?? []) {
        const source = vol.split(":")[0] as string;
        if (source.startsWith(".")) expect(existsSync(join(root, source)), `${name}: ${source}`).toBe(true);
        else expect(compose.volumes, `${name}: volume ${source}`).toHaveProperty(source);
      }
    }
  });

  it("builds from the Dockerfile at the root, whose entry point is the jisr CLI", () => {
    const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "cli\/bin\/jisr.js"\]/);
    for (const copied of dockerfile.matchAll(/^COPY (\S+\/package\.json)/gm)) {
      expect(existsSync(join(root, copied[1] as string)), copied[1]).toBe(true);
    }
  });

  it("Grafana gets the provisioning folder from dashboards/", () => {
    const volumes = compose.services.grafana?.volumes as string[];
    expect(volumes).toContain("./dashboards/provisioning:/etc/grafana/provisioning:ro");
  });
});

describe("the compose stack's gateway config", () => {
  it("passes the gateway's own config schema", async () => {
    const { gatewayConfigSchema } = await import("@jisr/gateway/config/schema");
    const doc = parse(readFileSync(join(root, "deploy/gateway/gateway.compose.yaml"), "utf8"));
    const result = gatewayConfigSchema.safeParse(doc);
    expect(result.error?.issues ?? []).toEqual([]);
    const devices = result.data?.devices ?? [];
    // The device host is the simulator's service name on the compose network.
    expect(devices.map((d) => d.host)).toEqual(["inverter-sim"]);
    expect(compose.services).toHaveProperty("inverter-sim");
  });
});

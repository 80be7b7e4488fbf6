/**
 * docker-compose.yml cannot be run here (no Docker engine), so it is checked the way `docker compose config`
 * would: against the official Compose JSON schema, plus the references a schema cannot see.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  glibcTunables,
  ingestionNodeOptions,
  ingestionRuntimeEnv,
  jisrNodeOptions,
  readCompose,
} from "./testing/compose.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The official Compose schema, vendored with its licence (vendor/README.md). */
const schemaPath = resolve(root, "vendor/compose-spec/compose-spec.json");
const compose = readCompose();
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** The spec names its meta-schema by an https URL Ajv does not bundle; it is plain draft-07. */
function composeValidator() {
  const { $schema: _metaSchema, ...schema } = JSON.parse(readFileSync(schemaPath, "utf8"));
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe("docker-compose.yml against the official Compose schema (vendor/compose-spec)", () => {
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
});

describe("docker-compose.yml references", () => {
  it("runs the production shape: storage, broker, Grafana, ingestion, simulators, a gateway, the services", () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining([
        "influxdb",
        "mosquitto",
        "grafana",
        "ingestion",
        "inverter-sim",
        "grid-meter-sim",
        "swh-sim",
        "gateway",
        "analytics",
        "alerting",
        "web",
      ]),
    );
  });

  it("the Node options ingestion runs with are ones this Node takes", () => {
    const options = ingestionNodeOptions();
    expect(options).toContain("--single-threaded-gc");
    expect(options).toContain("--heap-growing-percent=100");
    const run = spawnSync(process.execPath, [...options, "-e", "0"], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("the allocator settings ingestion runs with are ones this C library applies", () => {
    // node:20-bookworm-slim has Debian 12's glibc, as this machine: its dynamic loader lists the tunables
    // as the environment sets them. A misspelt name or a bad value is ignored silently by glibc, not here.
    const loader = readFileSync("/proc/self/maps", "utf8").match(/\/\S*\/ld-linux[^/\s]*\.so[.\d]*/)?.[0];
    expect(loader, "this Node runs on glibc (Debian)").toBeDefined();
    const tunables = ingestionRuntimeEnv().GLIBC_TUNABLES;
    expect(tunables).toContain("glibc.malloc.trim_threshold=");
    const applied = (value: string) => {
      const run = spawnSync(loader as string, ["--list-tunables"], {
        encoding: "utf8",
        env: { ...process.env, GLIBC_TUNABLES: value },
      });
      expect(run.status).toBe(0);
      return new Map(
        run.stdout
          .split("\n")
          .map((line) => line.match(/^(\S+): (\S+)/))
          .filter((m) => m !== null)
          .map((m) => [m[1] as string, Number(m[2])]),
      );
    };
    const list = applied(tunables as string);
    for (const [name, value] of glibcTunables(tunables as string))
      expect(list.get(name), name).toBe(Number(value));
    // The check can fail: a misspelt name leaves the threshold at its default.
    const misspelt = applied((tunables as string).replace("trim_threshold", "trim_thresold"));
    expect(misspelt.get("glibc.malloc.trim_threshold")).not.toBe(list.get("glibc.malloc.trim_threshold"));
  });

  it("every jisr command a service runs exists, with the options it is given", async () => {
    const { buildProgram } = await import("../../cli/src/main.js");
    const program = await buildProgram("all");
    const checked: string[] = [];
    for (const [name, svc] of Object.entries(compose.services)) {
      // Services built from our image run `jisr <command>` unless they replace the entry point with
      // something else than `node [node options] cli/bin/jisr.js` (ingestion sets a V8 option).
      if (svc.build === undefined || !Array.isArray(svc.command)) continue;
      if (svc.entrypoint !== undefined && jisrNodeOptions(svc.entrypoint) === undefined) continue;
      const args = svc.command as string[];
      let command = program;
      const words: string[] = [];
      for (const word of args) {
        if (word.startsWith("-")) break;
        const sub = command.commands.find((c) => c.name() === word);
        if (!sub) break;
        command = sub;
        words.push(word);
      }
      expect(words.length, `${name}: "${args.join(" ")}" names a jisr command`).toBeGreaterThan(0);
      expect(command.commands, `${name}: "${words.join(" ")}" is a command, not a group`).toEqual([]);
      const known = new Set(command.options.flatMap((o) => [o.long, o.short]).filter(Boolean));
      for (const flag of args.filter((a) => a.startsWith("--")))
        expect(known.has(flag), `${name}: jisr ${words.join(" ")} has no option ${flag}`).toBe(true);
      checked.push(name);
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        "ingestion",
        "gateway",
        "analytics",
        "alerting",
        "web",
        "swh-sim",
        "influx-setup",
      ]),
    );
  });

  it("a service waited for as healthy has a healthcheck; one waited for as completed runs once", () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      const deps = (svc.depends_on ?? {}) as Record<string, { condition?: string }>;
      for (const [dep, { condition }] of Object.entries(deps)) {
        const target = compose.services[dep] ?? {};
        if (condition === "service_healthy")
          expect(target.healthcheck, `${name} waits for ${dep} to be healthy`).toBeDefined();
        if (condition === "service_completed_successfully")
          expect(["no", "on-failure"], `${name} waits for ${dep} to complete`).toContain(target.restart);
      }
    }
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
    const copied = [...dockerfile.matchAll(/^COPY (\S+\/package\.json)/gm)].map((m) => m[1] as string);
    for (const file of copied) expect(existsSync(join(root, file)), file).toBe(true);
    // `npm ci` runs before the sources are copied: it must see every workspace, or their dependencies
    // are missing from the image.
    const { workspaces } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      workspaces: string[];
    };
    const expected = workspaces.flatMap((w) =>
      w.endsWith("/*")
        ? readdirSync(join(root, w.slice(0, -2)))
            .map((d) => `${w.slice(0, -1)}${d}/package.json`)
            .filter((f) => existsSync(join(root, f)))
        : [`${w}/package.json`],
    );
    expect([...copied].sort()).toEqual(expected.sort());
  });

  it("with InfluxDB authentication on, every client of InfluxDB logs in, and only the setup as admin", () => {
    const env = (name: string) => (compose.services[name]?.environment ?? {}) as Record<string, string>;
    const influx = env("influxdb");
    expect(influx.INFLUXDB_HTTP_AUTH_ENABLED).toBe("true");
    const clients = Object.keys(compose.services).filter((n) => env(n).JISR_INFLUX_URL !== undefined);
    expect(clients).toEqual(
      expect.arrayContaining(["ingestion", "analytics", "alerting", "web", "grafana", "influx-setup"]),
    );
    for (const name of clients) {
      const e = env(name);
      const user = e.JISR_INFLUX_USERNAME ?? e.JISR_INFLUX_READ_USER;
      const password = e.JISR_INFLUX_PASSWORD ?? e.JISR_INFLUX_READ_PASSWORD;
      // The user and password each client sends are ones the image creates on its first start.
      const created: Record<string, string | undefined> = {
        [influx.INFLUXDB_ADMIN_USER as string]: influx.INFLUXDB_ADMIN_PASSWORD,
        [influx.INFLUXDB_USER as string]: influx.INFLUXDB_USER_PASSWORD,
        [influx.INFLUXDB_READ_USER as string]: influx.INFLUXDB_READ_USER_PASSWORD,
      };
      expect(user, `${name}: InfluxDB user`).toBeDefined();
      expect(created[user as string], `${name}: password of ${user}`).toBe(password);
      expect(user === influx.INFLUXDB_ADMIN_USER, `${name} is admin`).toBe(name === "influx-setup");
    }
    expect(env("grafana").JISR_INFLUX_READ_USER).toBe(influx.INFLUXDB_READ_USER);
    const provisioning = parse(
      readFileSync(join(root, "dashboards/provisioning/datasources/influxdb.yaml"), "utf8"),
    ) as { datasources: Array<{ user?: string; secureJsonData?: { password?: string } }> };
    // Grafana fills ${VAR} from its environment: the datasource logs in as the read-only user.
    const [datasource] = provisioning.datasources;
    expect(datasource?.user).toBe("$" + "{JISR_INFLUX_READ_USER}");
    expect(datasource?.secureJsonData?.password).toBe("$" + "{JISR_INFLUX_READ_PASSWORD}");
  });

  it("the web page asks the alerting API, with the token alerting accepts, and never opens its state", () => {
    const env = (name: string) => (compose.services[name]?.environment ?? {}) as Record<string, string>;
    expect(env("web").JISR_ALERTING_URL).toBe("http://alerting:8090");
    expect(env("web").JISR_ALERTING_TOKEN).toBe(env("alerting").JISR_ALERTING_WEB_TOKEN);
    expect(env("web").JISR_ALERTS_STATE).toBeUndefined();
    const volumes = (compose.services.web?.volumes ?? []) as string[];
    expect(volumes.filter((v) => v.startsWith("alerting-data"))).toEqual([]);
    expect(compose.services.alerting?.volumes).toContain("alerting-data:/var/lib/jisr/alerting");
  });

  it("Grafana gets the provisioning folder from dashboards/", () => {
    const volumes = compose.services.grafana?.volumes as string[];
    expect(volumes).toContain("./dashboards/provisioning:/etc/grafana/provisioning:ro");
  });
});

describe("the compose stack's configuration files", () => {
  const gatewayDoc = () =>
    parse(readFileSync(join(root, "deploy/gateway/gateway.compose.yaml"), "utf8")) as {
      institution: string;
      gateway_id: string;
      devices: Array<{ id: string; host: string; port: number }>;
    };

  it("each device the gateway reads is a simulator service listening on that port", () => {
    for (const device of gatewayDoc().devices) {
      const command = (compose.services[device.host]?.command as string[] | undefined) ?? [];
      expect(command, `${device.id}: service ${device.host}`).toContain("--port");
      expect(command[command.indexOf("--port") + 1], `${device.id}: port`).toBe(String(device.port));
    }
  });

  it("the inventory gives the analytics the gateway's institution and devices", async () => {
    const { loadInstitutionsFromInventory } = await import("@jisr/analytics");
    const path = compose.services.analytics?.environment as Record<string, string>;
    expect(path.JISR_INVENTORY).toBe("/app/deploy/inventory");
    const { institutions } = loadInstitutionsFromInventory(join(root, "deploy/inventory"));
    const gw = gatewayDoc();
    expect(institutions.map((i) => i.id)).toEqual([gw.institution]);
    const [inst] = institutions;
    const ids = gw.devices.map((d) => d.id);
    expect([
      ...(inst?.pv?.inverters ?? []),
      inst?.gridMeter?.device,
      ...(inst?.hotWater?.devices ?? []),
    ]).toEqual(ids);
  });

  it("the alerting settings and the inventory load and watch the gateway and every device it reads", async () => {
    const { loadAlertingFromInventory } = await import("@jisr/alerting");
    const file = join(root, "deploy/alerting/settings.yaml");
    // With the environment compose gives the alerting service (its web token's default).
    const env = Object.fromEntries(
      Object.entries((compose.services.alerting?.environment ?? {}) as Record<string, string>).map(
        ([k, v]) => [k, v.replace(/^\$\{\w+:-(.*)\}$/, "$1")],
      ),
    );
    const doc = loadAlertingFromInventory(join(root, "deploy/inventory"), file, env);
    const gw = gatewayDoc();
    const [inst] = doc.institutions;
    expect(inst?.id).toBe(gw.institution);
    expect(inst?.site.gateways).toEqual([gw.gateway_id]);
    const watched = [
      ...Object.keys(inst?.site.inverters ?? {}),
      ...(inst?.site.devices ?? []),
      ...Object.keys(inst?.site.solar_water_heaters ?? {}),
    ];
    expect(watched.sort()).toEqual(gw.devices.map((d) => d.id).sort());
  });
});

describe("the compose stack's gateway config", () => {
  it("is the config the inventory derives for its institution (jisr inventory provision writes it)", async () => {
    const { deriveGateway } = await import("@jisr/core/inventory");
    const { loadInventory } = await import("@jisr/core/inventory");
    const inventory = loadInventory(join(root, "deploy/inventory"));
    expect(deriveGateway(inventory, "demo-ben-guerir")).toEqual(
      parse(readFileSync(join(root, "deploy/gateway/gateway.compose.yaml"), "utf8")),
    );
  });

  it("passes the gateway's own config schema", async () => {
    const { gatewayConfigSchema } = await import("@jisr/gateway");
    const doc = parse(readFileSync(join(root, "deploy/gateway/gateway.compose.yaml"), "utf8"));
    const result = gatewayConfigSchema.safeParse(doc);
    expect(result.error?.issues ?? []).toEqual([]);
    const devices = result.data?.devices ?? [];
    // Each device host is a simulator's service name on the compose network.
    expect(devices.map((d) => d.host)).toEqual(["inverter-sim", "grid-meter-sim", "swh-sim"]);
    for (const d of devices) expect(compose.services).toHaveProperty(d.host ?? "(no host)");
  });
});

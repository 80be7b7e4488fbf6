import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAlertingConfig, loadAlertingFromInventory } from "@jisr/alerting";
import { loadInstitutions, loadInstitutionsFromInventory } from "@jisr/analytics";
import { deriveGateway, loadInventory } from "@jisr/core/inventory";
import { DEPLOY_INVENTORY, LEGACY_ALERTING, LEGACY_GATEWAY, LEGACY_INSTITUTIONS } from "@jisr/core/testing";
import { gatewayConfigSchema } from "@jisr/gateway";
import { hashToken } from "@jisr/service-kit";
import { Command, CommanderError } from "commander";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { registerInventoryCommands, SCHEMA_FILE, schemaText } from "./command.js";

const TARIFF = join(DEPLOY_INVENTORY, "../../services/analytics/tariffs/srm-bt-domestic.yaml");

async function jisr(...args: string[]) {
  let out = "";
  let err = "";
  const program = new Command("jisr")
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerInventoryCommands(program, {
    stdout: { write: (s) => (out += s) },
    stderr: { write: (s) => (err += s) },
  });
  let exitCode = 0;
  try {
    await program.parseAsync(["node", "jisr", "inventory", ...args]);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    exitCode = e.exitCode;
  }
  return { out, err, exitCode };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jisr-inventory-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the repository's inventory in `dir`, the tariff named by its absolute path. */
function copyDeployInventory(to = dir): string {
  writeFileSync(join(to, "programme.yaml"), readFileSync(join(DEPLOY_INVENTORY, "programme.yaml")));
  const inst = readFileSync(join(DEPLOY_INVENTORY, "demo-ben-guerir.yaml"), "utf8");
  writeFileSync(join(to, "demo-ben-guerir.yaml"), inst.replace(/file: \.\.\/\.\.\/\S+/, `file: ${TARIFF}`));
  return to;
}

/** The keys of a Modbus TCP device, as an unknown key's message lists them. */
const MODBUS_TCP_KEYS =
  "protocol, id, names, profile, host, port, unit, interval, timeout, retries, offline_retry_max";

describe("jisr inventory check", () => {
  it("says the repository's inventory is valid", async () => {
    const r = await jisr("check", DEPLOY_INVENTORY);
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain("valid, 1 institution(s): demo-ben-guerir");
  });

  it("lists every problem with its file and line, and exits with 2", async () => {
    copyDeployInventory();
    const file = join(dir, "demo-ben-guerir.yaml");
    const text = readFileSync(file, "utf8")
      .replace("port: 1503", "prot: 1503")
      .replace("device: grid-meter-1", "device: grid-meter-2");
    writeFileSync(file, text);
    writeFileSync(join(dir, "copy.yaml"), text.replace(TARIFF, "nowhere.yaml"));
    const r = await jisr("check", dir);
    expect(r.exitCode).toBe(2);
    const lines = r.err.split("\n").filter((l) => l.startsWith(dir));
    expect(lines).toEqual([
      `${dir}/copy.yaml:3: id: must be the file's name: "demo-ben-guerir" is in copy.yaml`,
      `${dir}/copy.yaml:31: devices.1.prot: unknown key: did you mean \`port\`? (known keys are: ${MODBUS_TCP_KEYS})`,
      `${dir}/demo-ben-guerir.yaml:3: id: "demo-ben-guerir" is already the id of ${dir}/copy.yaml`,
      `${dir}/demo-ben-guerir.yaml:31: devices.1.prot: unknown key: did you mean \`port\`? (known keys are: ${MODBUS_TCP_KEYS})`,
    ]);
  });

  it("then the cross-references and the tariff, and the settings as the analytics read them", async () => {
    copyDeployInventory();
    const file = join(dir, "demo-ben-guerir.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8")
        .replace("device: grid-meter-1", "device: grid-meter-2")
        .replace(
          "outlet_field: tank_top_temperature_c",
          "service_temperature_c: 31\n  sample_hold_minutes: 999",
        ),
    );
    const r = await jisr("check", dir);
    expect(r.exitCode).toBe(2);
    expect(r.err).toContain(
      `${file}:48: grid_meter.device: device "grid-meter-2" is not defined in devices (did you mean "grid-meter-1"?)`,
    );
    writeFileSync(file, readFileSync(file, "utf8").replace("grid-meter-2", "grid-meter-1"));
    const again = await jisr("check", dir);
    expect(again.exitCode).toBe(2);
    expect(again.err).toContain(`${file}:54: hot_water.sample_hold_minutes: must be at most 180 (analytics)`);
  });
});

describe("jisr inventory check, two institutions", () => {
  it("lists one's schema problems and the other's analytics problems in the same run", async () => {
    copyDeployInventory();
    const file = join(dir, "demo-ben-guerir.yaml");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace("outlet_field: tank_top_temperature_c", "sample_hold_minutes: 999"));
    writeFileSync(
      join(dir, "other.yaml"),
      text.replace("id: demo-ben-guerir", "id: other").replace("kwp: 10", "kwp: ten"),
    );
    const r = await jisr("check", dir);
    expect(r.exitCode).toBe(2);
    expect(r.err.split("\n").filter((l) => l.startsWith(dir))).toEqual([
      `${dir}/other.yaml:42: pv.arrays.0.kwp: Invalid input: expected number, received string`,
      `${file}:53: hot_water.sample_hold_minutes: must be at most 180 (analytics)`,
    ]);
  });
});

describe("jisr inventory add", () => {
  it("writes a commented institution that checks, with the tariff the others use", async () => {
    copyDeployInventory();
    const r = await jisr("add", "maison-skhour", "--inventory", dir);
    expect(r.exitCode).toBe(0);
    const text = readFileSync(join(dir, "maison-skhour.yaml"), "utf8");
    expect(text).toContain(`file: ${TARIFF}`);
    expect(text).toMatch(/^# .*protocol: modbus_tcp/m);
    expect((await jisr("check", dir)).out).toContain("2 institution(s): demo-ben-guerir, maison-skhour");
    expect((await jisr("add", "maison-skhour", "--inventory", dir)).err).toContain("already exists");
    expect((await jisr("add", "Bad Id", "--inventory", dir)).err).toContain("must be lower-case");
  });
});

describe("jisr inventory provision", () => {
  it("issues the gateway's token into the registry and writes the gateway config the compose stack had", async () => {
    const tokens = join(dir, "tokens.json");
    const out = join(dir, "gw", "gateway.yaml");
    const r = await jisr(
      "provision",
      "demo-ben-guerir",
      "--inventory",
      DEPLOY_INVENTORY,
      "--tokens",
      tokens,
      "--out",
      out,
    );
    expect(r.exitCode).toBe(0);
    const token = r.out.trim();
    const registry = JSON.parse(readFileSync(tokens, "utf8"));
    expect(registry.tokens).toEqual([
      expect.objectContaining({ institution: "demo-ben-guerir", sha256: hashToken(token) }),
    ]);
    const written = gatewayConfigSchema.parse(parse(readFileSync(out, "utf8")));
    const legacy = gatewayConfigSchema.parse(parse(readFileSync(LEGACY_GATEWAY, "utf8")));
    expect(written).toEqual(legacy);
    const tokenFile = join(dir, "gateway.token");
    const again = await jisr(
      ...["provision", "demo-ben-guerir", "--inventory", DEPLOY_INVENTORY, "--tokens", tokens],
      ...["--out", out, "--token-out", tokenFile, "--note", "boiler room"],
    );
    expect(again.out).toBe("");
    const second = readFileSync(tokenFile, "utf8").trim();
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(tokens, "utf8")).tokens[1]).toMatchObject({
      sha256: hashToken(second),
      note: "boiler room",
    });
    const unknown = await jisr("provision", "nowhere", "--inventory", DEPLOY_INVENTORY, "--tokens", tokens);
    expect(unknown.err).toContain('no institution "nowhere"');
  });
});

describe("jisr inventory schema", () => {
  it("deploy/inventory/inventory.schema.json is the schema as generated now", () => {
    // Regenerate with: jisr inventory schema --out deploy/inventory/inventory.schema.json
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(schemaText());
    const schema = JSON.parse(schemaText());
    expect(Object.keys(schema.$defs.institution.properties)).toContain("hot_water");
  });
});

describe("jisr inventory import", () => {
  it("turns the former deploy files into an inventory the services read as they read those files", async () => {
    const settings = join(dir, "alerting-settings.yaml");
    const out = join(dir, "inventory");
    const r = await jisr(
      "import",
      "--analytics",
      LEGACY_INSTITUTIONS,
      "--alerting",
      LEGACY_ALERTING,
      "--gateway",
      LEGACY_GATEWAY,
      "--out",
      out,
      "--alerting-settings",
      settings,
    );
    expect(r.err).toBe(`${out}: valid; check it with jisr inventory check ${out}\n`);
    expect(r.exitCode).toBe(0);
    const withoutSource = <T extends { source: string }>(c: T) => ({ ...c, source: "" });
    expect(withoutSource(loadInstitutionsFromInventory(out))).toEqual(
      withoutSource(loadInstitutions(LEGACY_INSTITUTIONS)),
    );
    // The compose stack's alerting API token comes from the environment (token_env).
    process.env.JISR_ALERTING_WEB_TOKEN = `jisr_${"a".repeat(43)}`;
    try {
      expect(loadAlertingFromInventory(out, settings)).toEqual(loadAlertingConfig(LEGACY_ALERTING));
    } finally {
      delete process.env.JISR_ALERTING_WEB_TOKEN;
    }
    expect(deriveGateway(loadInventory(out), "demo-ben-guerir")).toEqual(
      parse(readFileSync(LEGACY_GATEWAY, "utf8")),
    );
    const again = await jisr(
      "import",
      "--analytics",
      LEGACY_INSTITUTIONS,
      "--gateway",
      LEGACY_GATEWAY,
      "--out",
      out,
    );
    expect(again.err).toContain("already exists (--force to overwrite)");
  });

  it("says what it cannot carry over: an inverter's kWp without the alerting file", async () => {
    const out = join(dir, "inventory");
    const r = await jisr(
      "import",
      "--analytics",
      LEGACY_INSTITUTIONS,
      "--gateway",
      LEGACY_GATEWAY,
      "--out",
      out,
    );
    expect(r.exitCode).toBe(2);
    expect(r.err).toContain("the kWp of inverter inverter-1 is not known");
  });
});

describe("--help", () => {
  it("every inventory command shows examples", async () => {
    for (const sub of ["check", "add", "provision", "schema", "import"]) {
      const r = await jisr(sub, "--help");
      expect(r.out, sub).toContain("Examples:");
      expect(r.out, sub).toContain(`jisr inventory ${sub}`);
    }
  });
});

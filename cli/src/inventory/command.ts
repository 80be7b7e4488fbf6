/**
 * `jisr inventory check|add|provision|schema|import`: the one description of every institution
 * (core/src/inventory; docs/inventory.md). Results go to stdout, problems to stderr; a command that
 * finds problems exits with 2, so a script (or CI) can tell "the inventory is wrong" from a crash (1).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { idSchema } from "@jisr/core";
import { ValidationError } from "@jisr/core/errors";
import {
  checkInventoryDir,
  deriveGateway,
  formatInventoryProblems,
  type Inventory,
  InventoryLookupError,
  type InventoryProblem,
  inventoryJsonSchema,
  lineOf,
} from "@jisr/core/inventory";
import { type Command, Option } from "commander";
import { Document, LineCounter, parse, parseDocument, stringify } from "yaml";
import { importLegacy } from "./import.js";
import { scaffoldInstitution } from "./scaffold.js";
import { addToken } from "./token-registry.js";

export interface InventoryIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

const processIo: InventoryIo = { stdout: process.stdout, stderr: process.stderr };

export const DESCRIPTION =
  "the inventory, one file per institution: check it, add an institution, provision its gateway";

/** The schema file committed beside the repository's inventory (a test keeps it up to date). */
export const SCHEMA_FILE = fileURLToPath(
  new URL("../../../deploy/inventory/inventory.schema.json", import.meta.url),
);

/** `JSON.stringify` of the JSON Schema as committed. */
export function schemaText(): string {
  return `${JSON.stringify(inventoryJsonSchema(), null, 2)}\n`;
}

/** Exit code of a command that found problems in its input. */
export const PROBLEMS_EXIT = 2;

function inventoryDir(dir: string | undefined): string {
  return dir ?? process.env.JISR_INVENTORY ?? ".";
}

const inventoryOption = () =>
  new Option("--inventory <dir>", "inventory folder (programme.yaml and one file per institution)")
    .env("JISR_INVENTORY")
    .default(".");

export function registerInventoryCommands(program: Command, io: InventoryIo = processIo): void {
  const inventory = program.command("inventory").description(DESCRIPTION);
  inventory.addHelpText(
    "after",
    `
Examples:
  jisr inventory check deploy/inventory
  jisr inventory add ehpad-ben-guerir --inventory /etc/jisr/inventory
  jisr inventory provision ehpad-ben-guerir --tokens /etc/jisr/tokens.json --out gateway.yaml
  jisr inventory schema --out deploy/inventory/inventory.schema.json
  jisr inventory import --analytics institutions.yaml --alerting alerting.yaml --gateway gw-1.yaml --out inventory/

The format and the migration from the former files: docs/inventory.md.`,
  );
  registerCheck(inventory, io);
  registerAdd(inventory, io);
  registerProvision(inventory, io);
  registerSchema(inventory, io);
  registerImport(inventory, io);
}

function problemsExit(command: Command, io: InventoryIo, problems: readonly InventoryProblem[]): never {
  io.stderr.write(`${formatInventoryProblems(problems)}\n`);
  command.error(`${problems.length} problem(s) in the inventory`, {
    exitCode: PROBLEMS_EXIT,
    code: "jisr.inventory.problems",
  });
}

function registerCheck(parent: Command, io: InventoryIo): void {
  parent
    .command("check")
    .description("check the inventory and report every problem at once, each with its file and line")
    .argument("[dir]", "inventory folder (default: $JISR_INVENTORY, else the current folder)")
    .addHelpText(
      "after",
      `
Problems are printed as file:line: path: message, all of them; the exit status is 2 when there is any.
Beyond the files' schema it checks duplicate ids, devices referenced but not defined, tariff files, and
each sound institution's settings as the analytics and the gateway will read them.

Examples:
  jisr inventory check deploy/inventory
  JISR_INVENTORY=/etc/jisr/inventory jisr inventory check`,
    )
    .action(async (dir: string | undefined, _o: unknown, command: Command) => {
      const folder = resolve(inventoryDir(dir));
      const result = checkInventoryDir(folder);
      const problems = [...result.problems];
      const sound = result.inventory ?? result.sound;
      if (sound && sound.institutions.length > 0) problems.push(...(await serviceProblems(sound)));
      if (problems.length > 0) problemsExit(command, io, problems);
      const ids = result.inventory?.institutions.map((i) => i.id) ?? [];
      io.stdout.write(`${folder}: valid, ${ids.length} institution(s): ${ids.join(", ")}\n`);
    });
}

/**
 * The inventory as the services read it: the analytics' loader (tariff zone, hot-water settings) and
 * each gateway's schema. Their problems name the institution's file (no line: they are about derived
 * values, named by the service's own path).
 */
async function serviceProblems(inventory: Inventory): Promise<InventoryProblem[]> {
  const dir = inventory.dir;
  const problems: InventoryProblem[] = [];
  const fileOf = (id: string) => join(dir, `${id}.yaml`);
  const { institutionsFromInventory } = await import("@jisr/analytics");
  try {
    institutionsFromInventory(inventory);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    for (const p of err.problems) {
      const [, id, rest] = /^institutions\.([^.]+)\.?(.*)$/.exec(p.path) ?? [];
      const file = id ? fileOf(id) : join(dir, "programme.yaml");
      // The analytics' path, back in the inventory's words: hot_water.settings.demandWindows → hot_water.demand_windows.
      const path = (rest ?? p.path)
        .replace(/^hot_water\.settings\./, "hot_water.")
        .replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      problems.push({ file, line: lineIn(file, path.split(".")), path, message: `${p.message} (analytics)` });
    }
  }
  const { gatewayConfigSchema, crossCheckDevices } = await import("@jisr/gateway");
  for (const inst of inventory.institutions) {
    let derived: Record<string, unknown>;
    try {
      derived = deriveGateway(inventory, inst.id);
    } catch (err) {
      if (!(err instanceof InventoryLookupError)) throw err;
      continue; // No ingestion URL yet: only provisioning needs one, and says so.
    }
    const parsed = gatewayConfigSchema.safeParse(derived);
    const found = parsed.success
      ? crossCheckDevices(parsed.data.devices)
      : parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    for (const p of found)
      problems.push({ file: fileOf(inst.id), path: `gateway: ${p.path}`, message: p.message });
  }
  return problems;
}

/** The line of `path` in a file of the inventory, when the file and the path are there. */
function lineIn(file: string, path: string[]): number | undefined {
  if (!existsSync(file)) return undefined;
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(file, "utf8"), { lineCounter: lines });
  return lineOf(
    { doc, lines },
    path.map((k) => (/^\d+$/.test(k) ? Number(k) : k)),
  );
}

function registerAdd(parent: Command, io: InventoryIo): void {
  parent
    .command("add")
    .description("write a new institution's file, every section present and commented, to fill in")
    .argument("<id>", "institution id: lower-case letters, digits, - or _ (the `institution` tag)")
    .addOption(inventoryOption())
    .option("--tariff <file>", "tariff file, relative to the inventory (default: the other institutions')")
    .addHelpText(
      "after",
      `
Examples:
  jisr inventory add maison-enfants-skhour --inventory deploy/inventory
  jisr inventory add ehpad-1 --inventory inventory --tariff ../tariffs/srm-bt-domestic.yaml`,
    )
    .action((id: string, o: { inventory: string; tariff?: string }, command: Command) => {
      const valid = idSchema.safeParse(id);
      if (!valid.success) command.error(`"${id}" ${valid.error.issues[0]?.message ?? "is not a valid id"}`);
      const dir = resolve(o.inventory);
      const file = join(dir, `${id}.yaml`);
      if (existsSync(file)) command.error(`${file} already exists`);
      const tariff = o.tariff ?? tariffOfOthers(dir) ?? "tariffs/CHANGE-ME.yaml";
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, scaffoldInstitution({ id, tariff }), { flag: "wx" });
      io.stdout.write(`${file}\n`);
      io.stderr.write(`Fill it in, then: jisr inventory check ${dir}\n`);
    });
}

/** The tariff most institutions of the folder use, so a new one starts from the same utility. */
function tariffOfOthers(dir: string): string | undefined {
  const result = checkInventoryDir(dir);
  const counts = new Map<string, number>();
  for (const inst of result.inventory?.institutions ?? [])
    counts.set(inst.tariff.file, (counts.get(inst.tariff.file) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

interface ProvisionOptions {
  inventory: string;
  tokens: string;
  out?: string;
  tokenOut?: string;
  note?: string;
}

function registerProvision(parent: Command, io: InventoryIo): void {
  parent
    .command("provision")
    .description("issue an institution's gateway token and write its gateway config")
    .argument("<id>", "institution id")
    .addOption(inventoryOption())
    .addOption(
      new Option("--tokens <file>", "tokens file of the ingestion service (JSON)")
        .env("JISR_TOKENS_FILE")
        .makeOptionMandatory(),
    )
    .option("--out <file>", "where to write the gateway config (default: <id>.gateway.yaml)")
    .option("--token-out <file>", "write the token to this file (mode 0600) instead of printing it")
    .option("--note <text>", "note stored with the token, e.g. where the gateway is")
    .addHelpText(
      "after",
      `
The token is shown (or written) once and cannot be recovered; its hash goes to the tokens file, which a
running ingestion service picks up. The gateway config is derived from the inventory: copy it, with the
token, to the gateway box (the token where its uplink.token_file says).

Examples:
  jisr inventory provision ehpad-ben-guerir --inventory /etc/jisr/inventory --tokens /etc/jisr/tokens.json
  jisr inventory provision demo-ben-guerir --inventory deploy/inventory --tokens tokens.json \\
    --out gateway.yaml --token-out gateway.token`,
    )
    .action(async (id: string, o: ProvisionOptions, command: Command) => {
      const result = checkInventoryDir(o.inventory);
      if (!result.inventory) problemsExit(command, io, result.problems);
      let config: Record<string, unknown>;
      try {
        config = deriveGateway(result.inventory, id);
      } catch (err) {
        if (err instanceof InventoryLookupError) command.error(err.message);
        throw err;
      }
      // The gateway's own schema judges the result before anything is issued.
      const { gatewayConfigSchema } = await import("@jisr/gateway");
      const parsed = gatewayConfigSchema.safeParse(config);
      if (!parsed.success)
        command.error(
          `the derived gateway config is not valid:\n${parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`).join("\n")}`,
        );
      const out = resolve(o.out ?? `${id}.gateway.yaml`);
      const { token, entry } = await addToken(o.tokens, id, { ...(o.note && { note: o.note }) });
      const doc = new Document(config);
      doc.commentBefore =
        ` Gateway of ${id}, written by \`jisr inventory provision\` from the inventory ${resolve(o.inventory)}.\n` +
        " Change the inventory and provision again rather than editing this file.";
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, doc.toString());
      io.stderr.write(`token ${entry.id} issued for ${id} (hash in ${o.tokens}); gateway config: ${out}\n`);
      if (o.tokenOut) {
        writeFileSync(o.tokenOut, `${token}\n`, { mode: 0o600 });
        io.stderr.write(`token written to ${o.tokenOut}\n`);
      } else io.stdout.write(`${token}\n`);
    });
}

function registerSchema(parent: Command, io: InventoryIo): void {
  parent
    .command("schema")
    .description("write the JSON Schema of the inventory's files, for editors")
    .option("--out <file>", "write it to this file instead of stdout")
    .addHelpText(
      "after",
      `
The repository keeps it as deploy/inventory/inventory.schema.json; each file's first line
(# yaml-language-server: $schema=./inventory.schema.json) points editors at it.

Examples:
  jisr inventory schema --out deploy/inventory/inventory.schema.json
  jisr inventory schema > /etc/jisr/inventory/inventory.schema.json`,
    )
    .action((o: { out?: string }) => {
      if (o.out) writeFileSync(o.out, schemaText());
      else io.stdout.write(schemaText());
    });
}

interface ImportOptions {
  analytics: string;
  alerting?: string;
  gateway: string[];
  out: string;
  alertingSettings?: string;
  force?: boolean;
}

function registerImport(parent: Command, io: InventoryIo): void {
  parent
    .command("import")
    .description(
      "turn the former files (analytics institutions, alerting config, gateway configs) into an inventory",
    )
    .requiredOption("--analytics <file>", "the analytics institutions file (institutions.yaml)")
    .option("--alerting <file>", "the alerting config (alerting.yaml): kWp, tilt, recipients")
    .requiredOption("--gateway <file...>", "gateway configs, one per institution (devices, uplink)")
    .requiredOption("--out <dir>", "the inventory folder to write")
    .option(
      "--alerting-settings <file>",
      "write what stays the alerting service's own (delivery, API, rules) to this file",
    )
    .option("--force", "overwrite files already in --out")
    .addHelpText(
      "after",
      `
Recipients with an e-mail become contacts (technicians) of their institutions; webhook and MQTT
recipients stay in the alerting settings. The result is checked as \`jisr inventory check\` would; what
could not be carried over is listed and the exit status is 2. See docs/inventory.md.

Examples:
  jisr inventory import --analytics deploy/analytics/institutions.yaml \\
    --alerting deploy/alerting/alerting.yaml --gateway deploy/gateway/gateway.compose.yaml \\
    --out deploy/inventory --alerting-settings deploy/alerting/settings.yaml`,
    )
    .action((o: ImportOptions, command: Command) => {
      const read = (path: string): Record<string, unknown> => {
        try {
          return (parse(readFileSync(path, "utf8")) ?? {}) as Record<string, unknown>;
        } catch (err) {
          return command.error(`${path}: ${(err as Error).message}`);
        }
      };
      const out = resolve(o.out);
      const result = importLegacy(
        {
          analytics: { raw: read(o.analytics), dir: dirname(resolve(o.analytics)), path: o.analytics },
          ...(o.alerting && { alerting: { raw: read(o.alerting), path: o.alerting } }),
          gateways: o.gateway.map((path) => ({ raw: read(path), path })),
        },
        out,
      );
      mkdirSync(out, { recursive: true });
      const header = "# yaml-language-server: $schema=./inventory.schema.json\n";
      const writes: [string, string][] = [
        [join(out, "programme.yaml"), header + stringify(result.programme)],
        ...result.institutions.map((inst): [string, string] => [
          join(out, `${String(inst.id)}.yaml`),
          header + stringify(inst),
        ]),
        [join(out, "inventory.schema.json"), schemaText()],
      ];
      if (o.alertingSettings && result.alertingSettings)
        writes.push([resolve(o.alertingSettings), stringify(result.alertingSettings)]);
      for (const [path] of writes) {
        if (!o.force && existsSync(path) && !path.endsWith(".schema.json"))
          command.error(`${path} already exists (--force to overwrite)`);
      }
      for (const [path, text] of writes) writeFileSync(path, text);
      io.stdout.write(`${writes.map(([p]) => p).join("\n")}\n`);
      const check = checkInventoryDir(out);
      const problems: InventoryProblem[] = [
        ...result.problems.map((p) => ({ file: p.file, path: "(import)", message: p.message })),
        ...check.problems,
      ];
      if (problems.length > 0) problemsExit(command, io, problems);
      io.stderr.write(`${out}: valid; check it with jisr inventory check ${out}\n`);
    });
}

/** `jisr grafana isolation`: the per-institution isolation files, from the institutions (and users) file. */
import { resolve } from "node:path";
import { loadInstitutions, loadInstitutionsFromInventory } from "@jisr/analytics";
import { type Command, Option } from "commander";
import { z } from "zod";
import { DEFAULTS, generateIsolation } from "../grafana-isolation/generate.js";
import { readUsersFile } from "../users/file.js";
import { type CliIo, group, parseOptions } from "./common.js";

const duration = z.string().regex(/^\d+[mhdw]$/, 'must be an InfluxQL duration such as "2h" or "45d"');

const schema = z.object({
  institutions: z.string().min(1).optional(),
  inventory: z.string().min(1).optional(),
  out: z.string().min(1),
  users: z.string().min(1).optional(),
  database: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be letters, digits, _ or - (max 64)"),
  dashboardsPath: z.string().startsWith("/", "must be an absolute path inside the Grafana container"),
  rawWindow: duration,
  resultsWindow: duration,
});

export function registerGrafanaCommands(program: Command, io: CliIo): void {
  group(program, "grafana", "Grafana set-up")
    .command("isolation")
    .description(
      "per institution: an InfluxDB database, read-only user and grant, a Grafana organisation, datasource and dashboards (a variable is not access control)",
    )
    .addOption(
      new Option("--institutions <file>", "institutions file (YAML); or --inventory").env(
        "JISR_INSTITUTIONS_FILE",
      ),
    )
    .addOption(
      new Option("--inventory <dir>", "inventory folder (replaces --institutions)").env("JISR_INVENTORY"),
    )
    .requiredOption("--out <dir>", "folder to write into (generating again keeps org ids and passwords)")
    .addOption(
      new Option("--users <file>", "users file: managers and technicians become Grafana users").env(
        "JISR_USERS_FILE",
      ),
    )
    .addOption(
      new Option("--database <name>", "the main InfluxDB database")
        .env("JISR_INFLUX_DATABASE")
        .default(DEFAULTS.database),
    )
    .option("--dashboards-path <dir>", "institution dashboard folder inside Grafana", DEFAULTS.dashboardsPath)
    .option("--raw-window <duration>", "raw readings copied on each run", DEFAULTS.rawWindow)
    .option("--results-window <duration>", "analytics results copied on each run", DEFAULTS.resultsWindow)
    .action(async (raw: Record<string, unknown>, cmd: Command) => {
      const o = parseOptions(schema, raw, cmd);
      if (o.institutions === undefined && o.inventory === undefined)
        cmd.error("give the institutions: --inventory <dir> or --institutions <file>");
      try {
        const config =
          o.inventory !== undefined
            ? loadInstitutionsFromInventory(o.inventory)
            : loadInstitutions(o.institutions as string);
        const users = o.users ? (await readUsersFile(o.users)).users : undefined;
        const { plan, files } = await generateIsolation({
          institutions: config.institutions,
          ...(users ? { users } : {}),
          outDir: resolve(o.out),
          database: o.database,
          dashboardsPath: o.dashboardsPath,
          rawWindow: o.rawWindow,
          resultsWindow: o.resultsWindow,
        });
        const active = plan.orgs.filter((x) => !x.retired).length;
        io.stdout.write(
          `${active} institution organisation(s), ${plan.users.length} Grafana user(s): ${files.length} files in ${resolve(o.out)}\n` +
            `Next: read ${resolve(o.out, "README.md")} (the steps, in order).\n`,
        );
      } catch (err) {
        cmd.error(`jisr grafana isolation: ${(err as Error).message}`);
      }
    });
}

/**
 * Commands of this workspace for the `jisr` CLI: `jisr savings`, `jisr analytics run|serve`,
 * `jisr tariff check`, `jisr influx setup|downsample|doctor`. Results go to stdout, logs and progress to stderr.
 */
import type { CliIo } from "@jisr/core";
import { isDay, isMonth, localDay, parseDuration } from "@jisr/core";
import { formatProblems, problemsOf } from "@jisr/core/errors";
import {
  addStoreOptions,
  influxClientOf,
  openStore,
  type StoreOptions,
  storeOptionsSchema,
} from "@jisr/service-kit";
import { type Command, Option } from "commander";
import { type Logger, pino } from "pino";
import { z } from "zod";
import { registerBillCommands, registerTariffFit } from "./bills/cli.js";
import { loadInstitutionsFrom } from "./config/from-inventory.js";
import { DEFAULT_INSTITUTIONS_FILE, type InstitutionsConfig, loadInstitutions } from "./config/load.js";
import { backfillDownsampling } from "./downsampling/backfill.js";
import { loadDownsampling } from "./downsampling/config.js";
import { setupDownsampling } from "./downsampling/setup.js";
import { registerInfluxDoctor } from "./influx-doctor/cli.js";
import { formatProgress, StatusLine } from "./jobs/progress.js";
import { runAnalytics } from "./jobs/run.js";
import { formatSavingsReport, savingsReport } from "./jobs/savings-report.js";
import { startAnalyticsScheduler } from "./jobs/scheduler.js";
import { checkTariffFile } from "./tariff/load.js";

export interface AnalyticsCliOptions {
  io?: CliIo;
  /** "Now" for today's date (tests); default Date.now(). */
  now?: () => number;
}

const day = z.string().refine(isDay, "must be a day YYYY-MM-DD");

function institutionsOption(): Option {
  return new Option("--institutions <file>", "institutions file (YAML)")
    .env("JISR_INSTITUTIONS_FILE")
    .default(DEFAULT_INSTITUTIONS_FILE);
}

/** The inventory (core/src/inventory, docs/inventory.md): when given, it replaces --institutions. */
function inventoryOption(): Option {
  return new Option("--inventory <dir>", "inventory folder (replaces --institutions)").env("JISR_INVENTORY");
}

/** Parses `raw` with `schema` or ends the command with every problem listed. */
function parseOptions<T extends z.ZodType>(schema: T, raw: unknown, command: Command): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) command.error(`invalid options:\n${formatProblems(problemsOf(parsed.error))}`);
  return parsed.data as z.output<T>;
}

function logger(level = "info"): Logger {
  return pino({ name: "jisr-analytics", level }, pino.destination(2));
}

export function registerAnalyticsCommands(program: Command, options: AnalyticsCliOptions = {}): void {
  const io = options.io ?? { stdout: process.stdout, stderr: process.stderr };
  const now = options.now ?? Date.now;
  registerSavings(program, io, now);
  const analytics = program
    .command("analytics")
    .description("compute and store the daily and monthly results");
  registerRun(analytics, io, now);
  registerServe(analytics);
  const tariff = program.command("tariff").description("electricity tariff files");
  registerTariffCheck(tariff, io);
  registerTariffFit(tariff, io);
  registerBillCommands(program, io);
  const influx = program
    .command("influx")
    .description("InfluxDB set-up: retention policies and downsampling");
  registerInfluxSetup(influx, io);
  registerInfluxDownsample(influx, io);
  registerInfluxDoctor(influx, io);
}

/** Runs `fn` with the store and institutions, closing the store whatever happens. */
async function withStore<T>(
  o: StoreOptions & { institutions: string; inventory?: string },
  log: Logger,
  fn: (store: ReturnType<typeof openStore>, config: InstitutionsConfig) => Promise<T>,
): Promise<T> {
  const config = loadInstitutionsFrom(o, loadInstitutions);
  const store = openStore(o, log);
  try {
    await store.init();
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

function registerSavings(program: Command, io: CliIo, now: () => number): void {
  const schema = z.object({
    institution: z.string().min(1),
    month: z.string().refine(isMonth, "must be a month YYYY-MM"),
    json: z.boolean().default(false),
    lang: z.enum(["fr", "en", "ar"]),
    institutions: z.string(),
    inventory: z.string().optional(),
  });
  const command = program
    .command("savings")
    .description("what the sun saved one institution in a month: both bills line by line, and the savings")
    .requiredOption("--institution <id>", "institution id")
    .requiredOption("--month <YYYY-MM>", "local month")
    .option("--json", "print JSON instead of text")
    .addOption(
      new Option("--lang <lang>", "language of the bill lines").choices(["fr", "en", "ar"]).default("fr"),
    )
    .addOption(institutionsOption())
    .addOption(inventoryOption());
  addStoreOptions(command).action(async (raw: Record<string, unknown>, cmd: Command) => {
    const o = { ...parseOptions(schema, raw, cmd), ...parseOptions(storeOptionsSchema, raw, cmd) };
    const log = logger("warn");
    await withStore(o, log, async (store, config) => {
      const inst = config.institutions.find((i) => i.id === o.institution);
      if (!inst)
        cmd.error(
          `unknown institution "${o.institution}"; known: ${config.institutions.map((i) => i.id).join(", ")}`,
        );
      const report = await savingsReport(store, config, inst, o.month, now());
      io.stdout.write(
        o.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatSavingsReport(report, o.lang)}\n`,
      );
    }).catch((err: Error) => cmd.error(`jisr savings: ${err.message}`));
  });
}

function registerRun(analytics: Command, io: CliIo, now: () => number): void {
  const schema = z.object({
    from: day,
    to: day,
    institution: z.array(z.string()).optional(),
    institutions: z.string(),
    inventory: z.string().optional(),
    logLevel: z.string(),
    keepHourStats: z.boolean(),
  });
  const command = analytics
    .command("run")
    .description("compute and store energy, savings and hot-water results for local days FROM to TO")
    .requiredOption("--from <YYYY-MM-DD>", "first local day")
    .requiredOption("--to <YYYY-MM-DD>", "last local day (included)")
    .option("--institution <id...>", "only these institutions")
    .option(
      "--no-keep-hour-stats",
      "read every hour's statistics from the raw readings, neither reading nor writing the kept ones (jisr_hour_stats)",
    )
    .addOption(institutionsOption())
    .addOption(inventoryOption())
    .addOption(
      new Option("--log-level <level>", "pino log level (stderr)").env("JISR_LOG_LEVEL").default("info"),
    );
  addStoreOptions(command).action(async (raw: Record<string, unknown>, cmd: Command) => {
    const o = { ...parseOptions(schema, raw, cmd), ...parseOptions(storeOptionsSchema, raw, cmd) };
    if (o.to < o.from) cmd.error("--to must not be before --from");
    // On a terminal, a progress line (institutions and days done, time left) stays under the log lines.
    const status = new StatusLine(io.stderr, io.stderr.isTTY === true);
    const log = pino(
      { name: "jisr-analytics", level: o.logLevel },
      { write: (s: string) => status.write(s) },
    );
    await withStore(o, log, async (store, config) => {
      const report = await runAnalytics({
        store,
        institutions: config,
        from: o.from,
        to: o.to,
        logger: log,
        now: now(),
        onProgress: (p) => status.show(formatProgress(p)),
        keepHourStats: o.keepHourStats,
        ...(o.institution ? { only: o.institution } : {}),
      });
      status.done();
      io.stdout.write(`${JSON.stringify(report)}\n`);
    }).catch((err: Error) => {
      status.done();
      cmd.error(`jisr analytics run: ${err.message}`);
    });
  });
}

function registerServe(analytics: Command): void {
  const schema = z.object({
    every: z.string().refine((s) => (parseDuration(s) ?? 0) > 0, 'must be a duration, e.g. "5m"'),
    windowDays: z.coerce.number().int().min(2).max(60),
    institutions: z.string(),
    inventory: z.string().optional(),
    logLevel: z.string(),
  });
  const command = analytics
    .command("serve")
    .description("recompute today, yesterday and days with late data every few minutes, until stopped")
    .addOption(new Option("--every <duration>", "pause between passes").default("5m"))
    .addOption(new Option("--window-days <n>", "days looked at for late data").default("10"))
    .addOption(institutionsOption())
    .addOption(inventoryOption())
    .addOption(
      new Option("--log-level <level>", "pino log level (stderr)").env("JISR_LOG_LEVEL").default("info"),
    );
  addStoreOptions(command).action(async (raw: Record<string, unknown>, cmd: Command) => {
    const o = { ...parseOptions(schema, raw, cmd), ...parseOptions(storeOptionsSchema, raw, cmd) };
    const log = logger(o.logLevel);
    await withStore(o, log, async (store, config) => {
      const scheduler = startAnalyticsScheduler({
        store,
        institutions: config,
        logger: log,
        everyMs: parseDuration(o.every) as number,
        windowDays: o.windowDays,
      });
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      log.info({ signal }, "Stopping");
      await scheduler.stop();
    }).catch((err: Error) => cmd.error(`jisr analytics serve: ${err.message}`));
  });
}

function registerTariffCheck(tariff: Command, io: CliIo): void {
  tariff
    .command("check")
    .description("check a tariff file: every mistake by path and line, and the figures still to confirm")
    .argument("<file>", "tariff file (YAML)")
    .action((file: string, _opts: unknown, cmd: Command) => {
      const check = checkTariffFile(file);
      const at = (p: { path: string; line?: number | undefined }) =>
        p.line ? `${p.path} (line ${p.line})` : p.path;
      const lines = [
        check.ok
          ? `${file}: ok, billable from ${check.billableFrom}`
          : `${file}: ${check.problems.length} problem(s)`,
        ...check.problems.map((p) => `  - ${at(p)}: ${p.message}`),
        ...(check.notes.length > 0 ? [`${check.notes.length} figure(s) to confirm:`] : []),
        ...check.notes.map((n) => `  - ${at(n)}: ${n.message}`),
      ];
      io.stdout.write(`${lines.join("\n")}\n`);
      if (!check.ok) cmd.error(`jisr tariff check: ${file} is not valid`, { exitCode: 1 });
    });
}

function registerInfluxSetup(influx: Command, io: CliIo): void {
  const schema = z.object({ dryRun: z.boolean().default(false), config: z.string().optional() });
  const command = influx
    .command("setup")
    .description("create the database, the rollup retention policies and continuous queries (InfluxDB 1.x)")
    .option("--dry-run", "print what would be done, change nothing")
    .option("--config <file>", "downsampling config (YAML); default: hourly rollups kept forever")
    .addHelpText(
      "after",
      "\nOn InfluxDB 2.x and 3.x nothing is created: the command prints how to downsample there (tasks, Processing Engine).",
    );
  addStoreOptions(command, true).action(async (raw: Record<string, unknown>, cmd: Command) => {
    const o = { ...parseOptions(schema, raw, cmd), ...parseOptions(storeOptionsSchema, raw, cmd) };
    const log = logger("warn");
    const client = influxClientOf(o, log);
    try {
      const result = await setupDownsampling({
        client,
        config: loadDownsampling(o.config),
        logger: log,
        dryRun: o.dryRun,
      });
      const verb = o.dryRun ? "would run" : "ran";
      const lines = [
        `InfluxDB ${result.server.version ?? "(version unknown)"} (${result.server.generation}), database "${client.database}"`,
      ];
      for (const a of result.actions)
        lines.push(a.statement ? `${verb}: ${a.statement}` : `in place: ${a.subject}`);
      lines.push(...result.advice);
      io.stdout.write(`${lines.join("\n")}\n`);
    } catch (err) {
      cmd.error(`jisr influx setup: ${(err as Error).message}`);
    } finally {
      client.close();
    }
  });
}

function registerInfluxDownsample(influx: Command, io: CliIo): void {
  const schema = z.object({ from: day, to: day, config: z.string().optional() });
  const command = influx
    .command("downsample")
    .description(
      "roll up the local days FROM to TO by hand (data that arrived after the continuous queries ran)",
    )
    .requiredOption("--from <YYYY-MM-DD>", "first local day")
    .requiredOption("--to <YYYY-MM-DD>", "last local day (included)")
    .option("--config <file>", "downsampling config (YAML)")
    .addOption(new Option("--time-zone <zone>", "zone of the days").default("Africa/Casablanca"));
  addStoreOptions(command, true).action(async (raw: Record<string, unknown>, cmd: Command) => {
    const o = { ...parseOptions(schema, raw, cmd), ...parseOptions(storeOptionsSchema, raw, cmd) };
    const tz = String(raw.timeZone);
    const log = logger("warn");
    const client = influxClientOf(o, log);
    try {
      const results = await backfillDownsampling({
        client,
        config: loadDownsampling(o.config),
        from: localDay(o.from, tz).from,
        to: localDay(o.to, tz).to,
        logger: log,
      });
      for (const r of results)
        io.stdout.write(`${r.rollup} ${r.measurement}: ${r.written} point(s) written\n`);
    } catch (err) {
      cmd.error(`jisr influx downsample: ${(err as Error).message}`);
    } finally {
      client.close();
    }
  });
}

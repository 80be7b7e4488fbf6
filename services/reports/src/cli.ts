/**
 * `jisr report`: builds a report from the analytics job's results and writes it as a PDF, XLSX or CSV
 * file. The store and institutions options are those of `jisr savings` (@jisr/analytics), so one set of
 * flags and environment variables serves both. Alerts come from the alerting service's API (the one
 * process that owns their state), as the web page reads them. The path written goes to stdout, logs to
 * stderr.
 */
import { existsSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { DEFAULT_INSTITUTIONS_FILE, loadInstitutions, loadInstitutionsFrom } from "@jisr/analytics";
import type { CliIo as CoreCliIo } from "@jisr/core";
import { formatProblems, problemsOf } from "@jisr/core/errors";
import { addStoreOptions, openStore, storeOptionsSchema } from "@jisr/service-kit";
import { type Command, Option } from "commander";
import type { Logger } from "pino";
import { z } from "zod";
import { cliLogger } from "./cli-log.js";
import { LANGUAGES } from "./i18n/types.js";
import { buildReport, DEFAULT_COMPLETENESS_THRESHOLD } from "./model/build.js";
import { isPeriod } from "./period.js";
import { REPORT_FORMATS, renderReport, reportFileName } from "./render/index.js";

/** stderr: where logs go, readable lines on a terminal (isTTY), JSON lines otherwise; optional here. */
export type CliIo = Pick<CoreCliIo, "stdout"> & Partial<Pick<CoreCliIo, "stderr">>;

export interface ReportCliOptions {
  io?: CliIo;
  /** "Now" (tests); default Date.now(). */
  now?: () => number;
  logger?: Logger;
}

const optionsSchema = z
  .object({
    period: z.string().refine(isPeriod, "must be a month (2026-10), a quarter (2026-Q4) or a year (2026)"),
    institution: z.string().min(1).optional(),
    format: z.enum(REPORT_FORMATS),
    lang: z.enum(LANGUAGES),
    out: z.string().min(1).optional(),
    institutions: z.string().min(1),
    inventory: z.string().min(1).optional(),
    alertingUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    alertingToken: z.string().min(1).optional(),
    bills: z.string().min(1).optional(),
    completenessThreshold: z.coerce.number().min(0).max(1),
  })
  .refine((o) => o.alertingUrl === undefined || o.alertingToken !== undefined, {
    message:
      "--alerting-url needs --alerting-token (JISR_ALERTING_TOKEN): `jisr alerting token --user reports`",
    path: ["alertingToken"],
  });

/**
 * The option that opened the alerting service's state file from this process, gone since one process owns
 * that state; kept hidden only to say what replaces it, instead of commander's bare "unknown option".
 */
const GONE_ALERTS_OPTION =
  "the alerting service's state file is no longer read by reports: give its API instead, " +
  "--alerting-url URL --alerting-token TOKEN (JISR_ALERTING_URL, JISR_ALERTING_TOKEN; a token from " +
  "`jisr alerting token --user reports`)";

export function registerReportCommands(program: Command, options: ReportCliOptions = {}): void {
  const io: CliIo = options.io ?? { stdout: process.stdout, stderr: process.stderr };
  const now = options.now ?? Date.now;
  const command = program
    .command("report")
    .description("savings report of the programme or one institution for a month, quarter or year")
    .requiredOption("--period <period>", "2026-10 (month), 2026-Q4 (quarter) or 2026 (year), local time")
    .option("--institution <id>", "one institution (default: the whole programme)")
    .addOption(new Option("--format <format>", "file format").choices(REPORT_FORMATS).default("pdf"))
    .addOption(new Option("--lang <lang>", "language").choices(LANGUAGES).default("fr"))
    .option(
      "--out <file>",
      "file to write (default: jisr-report-<period>-<institution|programme>-<lang>.<format>)",
    )
    .addOption(
      new Option("--institutions <file>", "institutions file (YAML)")
        .env("JISR_INSTITUTIONS_FILE")
        .default(DEFAULT_INSTITUTIONS_FILE),
    )
    .addOption(
      new Option("--inventory <dir>", "inventory folder (replaces --institutions)").env("JISR_INVENTORY"),
    )
    .addOption(
      new Option(
        "--alerting-url <url>",
        "the alerting service's API, for alert counts and time to resolve (e.g. http://alerting:8091)",
      ).env("JISR_ALERTING_URL"),
    )
    .addOption(
      new Option(
        "--alerting-token <token>",
        "a token of the alerting API covering the report's institutions",
      ).env("JISR_ALERTING_TOKEN"),
    )
    .addOption(new Option("--alerts <file>").env("JISR_ALERTS_STATE").hideHelp())
    .addOption(
      new Option(
        "--bills <dir>",
        "bills recorded with `jisr bill` or the web page: adds their reconciliation over the reading periods",
      ).env("JISR_BILLS_DIR"),
    )
    .addOption(
      new Option(
        "--completeness-threshold <share>",
        "flag data completeness below this share (0..1)",
      ).default(String(DEFAULT_COMPLETENESS_THRESHOLD)),
    )
    .addHelpText(
      "after",
      `
Examples:
  jisr report --period 2026-10                                  the programme's October, PDF in French
  jisr report --period 2026-Q4 --institution foyer-ben-guerir --lang ar
                                                                one institution's quarter, in Arabic
  jisr report --period 2026 --format xlsx --out /srv/reports/2026.xlsx
                                                                the year as a spreadsheet
  jisr report --period 2026-10 --format csv --alerting-url http://127.0.0.1:8091 \\
    --alerting-token "$REPORTS_TOKEN"                           with alert counts and time to resolve,
                                                                from the alerting service's API
  jisr report --period 2026-11 --sqlite demo.sqlite             from the demo's store
  jisr report --period 2026-Q1 --bills /var/lib/jisr/bills      with every bill reconciled and its savings

The file's path goes to stdout; logs go to stderr (readable on a terminal, JSON lines otherwise).`,
    );
  addStoreOptions(command).action(async (raw: Record<string, unknown>, cmd: Command) => {
    if (raw.alerts !== undefined) {
      const given = cmd.getOptionValueSource("alerts") === "env" ? "JISR_ALERTS_STATE" : "--alerts";
      cmd.error(`jisr report: ${given} is gone; ${GONE_ALERTS_OPTION}`);
    }
    const o = parse(optionsSchema, raw, cmd);
    const storeOptions = parse(storeOptionsSchema, raw, cmd);
    const log = (options.logger ?? cliLogger(io.stderr ?? process.stderr)).child({
      component: "report",
    });
    if (o.bills && !existsSync(o.bills)) cmd.error(`jisr report: no bills directory at ${o.bills}`);
    const institutions = loadInstitutionsFrom(o, loadInstitutions);
    const store = openStore(storeOptions, log);
    // Loaded only when asked: the alerting package is a whole service, a report without alerts needs none of it.
    const alerting = o.alertingUrl && o.alertingToken ? await import("@jisr/alerting") : undefined;
    const alerts =
      alerting && o.alertingUrl && o.alertingToken
        ? alerting.alertingClient({ url: o.alertingUrl, token: o.alertingToken })
        : undefined;
    try {
      await store.init();
      const report = await buildReport({
        store,
        period: o.period,
        institutions,
        now: now(),
        completenessThreshold: o.completenessThreshold,
        ...(o.institution ? { institution: o.institution } : {}),
        ...(alerts ? { alerts } : {}),
        ...(o.bills ? { bills: { dir: o.bills, institutions } } : {}),
      });
      const body = await renderReport(report, o.format, o.lang);
      const file = resolve(o.out ?? reportFileName(o.period, o.institution, o.lang, o.format));
      writeFileSync(file, body);
      log.info(
        { file, bytes: body.length, period: o.period, format: o.format, lang: o.lang },
        "Report written",
      );
      io.stdout.write(`${file}\n`);
    } catch (err) {
      // The API's own message speaks of "your token": say whose API refused.
      const refused =
        alerts && alerting && err instanceof alerting.AlertingApiError
          ? `the alerting API at ${alerts.url} refused (HTTP ${err.statusCode}): `
          : "";
      cmd.error(`jisr report: ${refused}${(err as Error).message}`);
    } finally {
      await store.close();
    }
  });
}

/** Parses `raw` with `schema` or ends the command with every problem listed. */
function parse<T extends z.ZodType>(schema: T, raw: unknown, command: Command): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) command.error(`invalid options:\n${formatProblems(problemsOf(parsed.error))}`);
  return parsed.data as z.output<T>;
}

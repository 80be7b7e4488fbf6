/**
 * `jisr bill add|import|list|reconcile` and `jisr tariff fit`. Results to stdout, problems to stderr with
 * a non-zero exit; every problem of an input is listed at once.
 */
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { fileURLToPath } from "node:url";
import { formatProblems, type Problem, problemsOf, ValidationError } from "@jisr/core/errors";
import { addStoreOptions, openStore, storeOptionsSchema } from "@jisr/service-kit";
import { type Command, Option } from "commander";
import { pino } from "pino";
import { z } from "zod";
import { type Institution, type InstitutionsConfig, loadInstitutions } from "../config/load.js";
import { importCsv, recordToRaw } from "./csv.js";
import { fitTariff, formatFit } from "./fit.js";
import { formatInstitutionBills } from "./format.js";
import { billedTotalKwh } from "./schema.js";
import { fitBases, institutionBills, loadTariffDir, SHIPPED_TARIFFS_DIR } from "./service.js";
import { BillStore, validateBill } from "./store.js";
import { loadTolerances } from "./tolerances-file.js";

export interface BillCliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

const DEFAULT_INSTITUTIONS = fileURLToPath(new URL("../../examples/institutions.yaml", import.meta.url));

function institutionsOption(): Option {
  return new Option("--institutions <file>", "institutions file (YAML)")
    .env("JISR_INSTITUTIONS_FILE")
    .default(DEFAULT_INSTITUTIONS);
}

/** Where differences become flags: a YAML file with the keys of `tolerancesSchema` (reconcile.ts). */
export function tolerancesOption(): Option {
  return new Option(
    "--tolerances <file.yaml>",
    "reconciliation tolerances (kwh_pct, kwh_abs, mad_line, mad_total, completeness_min, month_days); defaults otherwise",
  ).env("JISR_BILL_TOLERANCES");
}

function billsDirOption(): Option {
  return new Option("--bills-dir <dir>", "where bills are kept: one JSON-lines file per institution")
    .env("JISR_BILLS_DIR")
    .default("data/bills");
}

function recorder(): string {
  try {
    return userInfo().username || "cli";
  } catch {
    return "cli";
  }
}

function institutionOf(config: InstitutionsConfig, id: string, cmd: Command): Institution {
  const inst = config.institutions.find((i) => i.id === id);
  if (!inst)
    cmd.error(`unknown institution "${id}"; known: ${config.institutions.map((i) => i.id).join(", ")}`);
  return inst;
}

function fail(cmd: Command, what: string, problems: Problem[]): never {
  cmd.error(`${what}: ${problems.length} problem(s):\n${formatProblems(problems)}`, { exitCode: 1 });
}

function parse<T extends z.ZodType>(schema: T, raw: unknown, cmd: Command): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) fail(cmd, "invalid options", problemsOf(parsed.error));
  return parsed.data as z.output<T>;
}

/** Unknown institutions are refused with the rest of the problems. */
function checkInstitutions(config: InstitutionsConfig, ids: Array<{ path: string; id: string }>): Problem[] {
  const known = new Set(config.institutions.map((i) => i.id));
  return ids
    .filter((x) => !known.has(x.id))
    .map((x) => ({ path: x.path, message: `unknown institution "${x.id}" (not in the institutions file)` }));
}

const ADD_FIELDS = [
  "institution",
  "reference",
  "from",
  "to",
  "indexFrom",
  "indexTo",
  "multiplier",
  "kwh",
  "energy",
  "energyBasis",
  "fixedFees",
  "feesBasis",
  "levy",
  "vat",
  "other",
  "total",
  "scan",
  "supersedes",
  "note",
] as const;

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function registerBillCommands(program: Command, io: BillCliIo = process): void {
  const bill = program
    .command("bill")
    .description("electricity bills as the utility printed them: record, import, list, reconcile");

  bill
    .command("add")
    .description("record one bill (every problem is listed at once)")
    .option("--file <bill.json>", "the whole bill as JSON (registers and lines as in the bill schema)")
    .option("--institution <id>", "institution id")
    .option("--reference <text>", "bill number")
    .option("--from <YYYY-MM-DD>", "date of the opening meter reading (local)")
    .option("--to <YYYY-MM-DD>", "date of the closing meter reading (local)")
    .option("--estimated", "the closing reading was estimated by the utility")
    .option("--index-from <kWh>", "meter index at the opening reading")
    .option("--index-to <kWh>", "meter index at the closing reading")
    .option("--multiplier <n>", "meter constant (CT ratio), 1 by default")
    .option("--kwh <kWh>", "billed kWh (instead of the indexes)")
    .option("--energy <MAD>", "energy amount")
    .option("--energy-basis <ht|ttc>", "whether the energy amount is HT or TTC (ht)")
    .option("--fixed-fees <MAD>", "fixed fees (meter rental and upkeep), HT")
    .option("--fees-basis <ht|ttc>", "whether the fees are HT or TTC (ht)")
    .option("--levy <MAD>", "TPPAN levy, HT")
    .option("--vat <MAD>", "VAT")
    .option("--other <MAD>", "any other line")
    .option("--total <MAD>", "total to pay, TTC")
    .option("--scan <path>", "path or URL of the bill's scan")
    .option("--supersedes <id>", "id of an earlier bill this one replaces (a re-issued bill)")
    .option("--note <text>", "free note")
    .addOption(billsDirOption())
    .addOption(institutionsOption())
    .addHelpText(
      "after",
      `
Examples:
  jisr bill add --institution foyer-ben-guerir --reference F-2026-01 --from 2026-01-05 --to 2026-02-04 \\
    --index-from 10000 --index-to 10201 --energy 234.69 --energy-basis ttc --fixed-fees 20.74 \\
    --levy 21.35 --vat 8.41 --total 285.19 --scan scans/F-2026-01.pdf
  jisr bill add --institution foyer-ben-guerir --from 2026-02-04 --to 2026-03-06 --kwh 180 --estimated \\
    --energy 193.18 --energy-basis ttc --fixed-fees 20.74 --vat 4.15 --total 218.07
  jisr bill add --file bill.json`,
    )
    .action((raw: Record<string, string | boolean | undefined>, cmd: Command) => {
      const o = raw as Record<string, string | undefined> & { estimated?: boolean; file?: string };
      const config = loadInstitutions(String(raw.institutions));
      let input: unknown;
      let problems: Problem[] = [];
      if (o.file) {
        try {
          input = JSON.parse(readFileSync(o.file, "utf8"));
        } catch (err) {
          fail(cmd, `jisr bill add ${o.file}`, [{ path: "(file)", message: (err as Error).message }]);
        }
      } else {
        const rec: Record<string, string | undefined> = Object.fromEntries(
          ADD_FIELDS.map((f) => [snake(f), o[f]]),
        );
        rec.estimated = o.estimated ? "yes" : "no";
        const built = recordToRaw(rec);
        input = built.raw;
        problems = built.problems.map((p) => ({
          path: `--${p.path.replaceAll("_", "-")}`,
          message: p.message,
        }));
      }
      const checked = validateBill(input);
      if (!checked.ok) problems.push(...checked.problems);
      else
        problems.push(...checkInstitutions(config, [{ path: "institution", id: checked.bill.institution }]));
      if (problems.length > 0 || !checked.ok) fail(cmd, "jisr bill add", problems);
      const store = new BillStore(String(raw.billsDir));
      try {
        const [record] = store.add([checked.bill], recorder());
        io.stdout.write(
          `recorded ${record?.id} for ${checked.bill.institution}: ${checked.bill.from}..${checked.bill.to}, ${billedTotalKwh(checked.bill)} kWh, ${checked.bill.total.toFixed(2)} MAD\n`,
        );
      } catch (err) {
        if (err instanceof ValidationError) fail(cmd, "jisr bill add", err.problems);
        throw err;
      }
    });

  bill
    .command("import")
    .description(
      "record the bills of a CSV file, one bill per row; nothing is recorded unless every row is valid",
    )
    .argument("<file.csv>", "CSV file with a header row")
    .option("--dry-run", "check the file and say what would be recorded, record nothing")
    .addOption(billsDirOption())
    .addOption(institutionsOption())
    .addHelpText(
      "after",
      `
Columns (header row, any order): institution, from, to, total are required;
  reference, estimated (yes/no), index_from, index_to, multiplier, kwh (or kwh_peak, kwh_normal, ...),
  energy, energy_basis (ht|ttc), fixed_fees, fees_basis, levy, vat, other, scan, supersedes, note.
Amounts in MAD ("234.69" or "234,69" in a quoted cell). Problems are reported by line and column.

Example file:
  institution,reference,from,to,estimated,index_from,index_to,energy,energy_basis,fixed_fees,levy,vat,total
  foyer-ben-guerir,F-01,2026-01-05,2026-02-04,no,10000,10201,234.69,ttc,20.74,21.35,8.41,285.19
  foyer-ben-guerir,F-02,2026-02-04,2026-03-06,no,10201,10381,193.18,ttc,20.74,,4.15,218.07

  jisr bill import bills-2026.csv --dry-run
  jisr bill import bills-2026.csv`,
    )
    .action((file: string, raw: Record<string, unknown>, cmd: Command) => {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (err) {
        fail(cmd, `jisr bill import ${file}`, [{ path: "(file)", message: (err as Error).message }]);
      }
      const config = loadInstitutions(String(raw.institutions));
      const result = importCsv(text);
      const unknown = checkInstitutions(
        config,
        result.bills.map((b, i) => ({ path: `bill ${i + 1}`, id: b.institution })),
      );
      const problems = [...result.problems, ...unknown];
      if (problems.length > 0) fail(cmd, `jisr bill import ${file}`, problems);
      const store = new BillStore(String(raw.billsDir));
      if (raw.dryRun) {
        io.stdout.write(`${file}: ${result.bills.length} valid bill(s); nothing recorded (--dry-run)\n`);
        return;
      }
      try {
        const records = store.add(result.bills, recorder());
        io.stdout.write(
          `${file}: recorded ${records.length} bill(s): ${records.map((r) => r.id).join(", ")}\n`,
        );
      } catch (err) {
        if (err instanceof ValidationError)
          fail(
            cmd,
            `jisr bill import ${file}`,
            err.problems.map((p) => ({
              ...p,
              path: p.path.replace(/^(\d+)\./, (_m, i) => `bill ${Number(i) + 1}: `),
            })),
          );
        throw err;
      }
    });

  bill
    .command("list")
    .description("the bills recorded for an institution, by reading date")
    .requiredOption("--institution <id>", "institution id")
    .option("--all", "include superseded bills")
    .option("--json", "print JSON")
    .addOption(billsDirOption())
    .action((raw: { institution: string; all?: boolean; json?: boolean; billsDir: string }) => {
      const store = new BillStore(raw.billsDir);
      const records = raw.all ? store.records(raw.institution) : store.list(raw.institution);
      if (raw.json) {
        io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
        return;
      }
      const lines = records.map(
        (r) =>
          `${r.id}  ${r.bill.from}..${r.bill.to}  ${String(billedTotalKwh(r.bill)).padStart(7)} kWh  ${r.bill.total.toFixed(2).padStart(9)} MAD${r.bill.estimated ? "  ESTIMATED" : ""}${r.bill.supersedes ? `  supersedes ${r.bill.supersedes}` : ""}${r.bill.reference ? `  ${r.bill.reference}` : ""}${r.bill.scan ? `  scan: ${r.bill.scan}` : ""}`,
      );
      io.stdout.write(
        `${raw.institution}: ${records.length} bill(s)\n${lines.join("\n")}${lines.length ? "\n" : ""}`,
      );
    });

  const reconcile = bill
    .command("reconcile")
    .description("each bill against our meters and our tariff over its reading period, and the IPMVP savings")
    .requiredOption("--institution <id>", "institution id")
    .option("--json", "print JSON")
    .addOption(new Option("--lang <lang>", "language").choices(["fr", "en", "ar"]).default("en"))
    .addOption(billsDirOption())
    .addOption(institutionsOption())
    .addOption(tolerancesOption());
  addStoreOptions(reconcile).action(async (raw: Record<string, unknown>, cmd: Command) => {
    const o = parse(storeOptionsSchema, raw, cmd);
    let tolerances: ReturnType<typeof loadTolerances> | undefined;
    try {
      if (raw.tolerances) tolerances = loadTolerances(String(raw.tolerances));
    } catch (err) {
      cmd.error(`jisr bill reconcile: --tolerances ${(err as Error).message}`);
    }
    const config = loadInstitutions(String(raw.institutions));
    const inst = institutionOf(config, String(raw.institution), cmd);
    const store = openStore(o, pino({ level: "warn" }, pino.destination(2)));
    try {
      await store.init();
      const result = await institutionBills(
        store,
        config,
        inst,
        new BillStore(String(raw.billsDir)),
        tolerances ? { tolerances } : {},
      );
      io.stdout.write(
        raw.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatInstitutionBills(result)}\n`,
      );
    } catch (err) {
      cmd.error(`jisr bill reconcile: ${(err as Error).message}`);
    } finally {
      await store.close();
    }
  });
}

/** `jisr tariff fit`, under the existing `tariff` command. */
export function registerTariffFit(tariff: Command, io: BillCliIo = process): void {
  const schema = z.object({
    institution: z.string().min(1),
    tariffs: z.string().min(1),
    tolerance: z.coerce.number().min(0, "must be ≥ 0"),
    json: z.boolean().default(false),
    top: z.coerce.number().int().positive(),
  });
  tariff
    .command("fit")
    .description("which tariff (shipped files and their variants) reproduces an institution's recorded bills")
    .requiredOption("--institution <id>", "institution id")
    .option("--tariffs <dir>", "directory of base tariff files", SHIPPED_TARIFFS_DIR)
    .option("--tolerance <MAD>", "residual on a bill's total still counted as reproduced", "0.05")
    .option("--top <n>", "candidates shown", "5")
    .option("--json", "print JSON")
    .addOption(billsDirOption())
    .addOption(institutionsOption())
    .addHelpText(
      "after",
      `
Tries the institution's own tariff and every file of --tariffs, each with the other selective bracket
edges (151-210… ↔ 151-200…), without the fixed fee or with the fee the bills print, and without TPPAN,
and ranks them by bills reproduced then residuals. Example:
  jisr tariff fit --institution foyer-ben-guerir`,
    )
    .action((raw: Record<string, unknown>, cmd: Command) => {
      const o = parse(schema, raw, cmd);
      const config = loadInstitutions(String(raw.institutions));
      const inst = institutionOf(config, o.institution, cmd);
      const { tariffs, skipped } = loadTariffDir(o.tariffs);
      for (const s of skipped) io.stderr.write(`skipped ${s.file}: ${s.error}\n`);
      const bills = new BillStore(String(raw.billsDir)).list(inst.id);
      const fit = fitTariff(fitBases(inst, tariffs), bills, o.tolerance);
      io.stdout.write(
        o.json
          ? `${JSON.stringify({ ...fit, ranking: fit.ranking.slice(0, o.top).map((f) => ({ ...f, candidate: { id: f.candidate.id, base: f.candidate.base, changes: f.candidate.changes } })), reproducing: fit.reproducing?.candidate.id ?? null }, null, 2)}\n`
          : `${formatFit(fit, inst.id, o.top)}\n`,
      );
    });
}

/**
 * An electricity bill as the utility printed it: ONE strict zod schema, the same for the CLI, the CSV
 * import and the web API. Cross-field rules (dates in order, index difference = billed kWh, lines adding
 * up to the total) run in the same pass, so every problem of a bill is reported at once, by path.
 *
 * Amounts are what the paper says, in MAD, each line in the basis it is printed in (HT or TTC); a VAT
 * line carries the VAT of the HT lines. So Σ amounts = total, whatever the layout of the bill.
 */
import { idSchema, isDay } from "@jisr/core";
import { z } from "zod";

/** Tariff registers a bill may show: one total, or one per time-of-use period (tariff/schema.ts). */
export const REGISTERS = ["total", "peak", "normal", "full", "off_peak"] as const;
export const LINE_KINDS = ["energy", "fixed_fee", "levy", "vat", "other"] as const;
export type LineKindOnBill = (typeof LINE_KINDS)[number];

const day = z.string().refine(isDay, "must be a calendar day YYYY-MM-DD");
const mad = z
  .number({ error: "must be an amount in MAD (a number)" })
  .refine((x) => Number.isFinite(x) && Math.abs(Math.round(x * 100) - x * 100) < 1e-6, {
    message: "must have at most two decimals (centimes)",
  });
const kwh = z.number({ error: "must be a number of kWh" }).min(0, "must be ≥ 0");

export const registerSchema = z.strictObject({
  period: z.enum(REGISTERS).default("total").describe("Tariff period of the register; total when one."),
  index_from: kwh.optional().describe("Meter index at the opening reading (kWh)."),
  index_to: kwh.optional().describe("Meter index at the closing reading (kWh)."),
  multiplier: z.number().positive("must be > 0").default(1).describe("Meter constant (CT ratio)."),
  kwh: kwh.optional().describe("Billed kWh; (index_to − index_from) × multiplier when omitted."),
});

export const billLineSchema = z.strictObject({
  kind: z.enum(LINE_KINDS).describe("energy, fixed_fee, levy (TPPAN), vat or other."),
  label: z.string().min(1, "must not be empty").max(200).describe("The line's wording on the bill."),
  period: z.enum(REGISTERS).optional().describe("Tariff period of an energy line (time-of-use)."),
  kwh: kwh.optional().describe("kWh of an energy or levy line (bracket or period)."),
  unit_price: z.number().min(0, "must be ≥ 0").optional().describe("MAD per unit, as printed."),
  amount: mad.describe("Amount of the line in MAD, as printed (negative for a credit)."),
  basis: z.enum(["ht", "ttc"]).default("ht").describe("Whether `amount` is before VAT (ht) or with it."),
});

/** The bill's fields, without the cross-field rules (crossCheckBill), which run even when a field fails. */
export const billShape = z.strictObject({
  institution: idSchema.describe("Institution id (institutions file)."),
  reference: z.string().min(1).max(80).optional().describe("Bill number printed by the utility."),
  from: day.describe("Date of the opening meter reading (local, Africa/Casablanca)."),
  to: day.describe("Date of the closing meter reading (local)."),
  estimated: z
    .boolean()
    .default(false)
    .describe("The closing reading was estimated by the utility, not read on the meter."),
  registers: z.array(registerSchema).min(1, "must list at least one register"),
  lines: z.array(billLineSchema).min(1, "must list at least one line"),
  total: mad.describe("Total to pay, TTC, MAD."),
  scan: z.string().min(1).max(500).optional().describe("Path or URL of the bill's scan."),
  supersedes: z.string().min(1).max(64).optional().describe("Id of an earlier bill this one replaces."),
  note: z.string().max(500).optional(),
});

export interface CrossIssue {
  path: (string | number)[];
  message: string;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * The rules between fields, on the raw input and defensively (a field of the wrong type is skipped: the
 * schema reports it), so that they are reported together with the per-field problems, all at once.
 */
export function crossCheckBill(raw: unknown): CrossIssue[] {
  const out: CrossIssue[] = [];
  if (!isObj(raw)) return out;
  const at = (path: (string | number)[], message: string) => out.push({ path, message });
  const { from, to } = raw;
  if (typeof from === "string" && typeof to === "string" && isDay(from) && isDay(to)) {
    if (to <= from) at(["to"], `must be after from (${from})`);
    else if (daysBetween(from, to) > 124)
      at(["to"], `the reading period is ${daysBetween(from, to)} days: more than 4 months`);
  }
  const registers = Array.isArray(raw.registers) ? raw.registers : [];
  const seen = new Set<string>();
  registers.forEach((r, i) => {
    if (!isObj(r)) return;
    const period = typeof r.period === "string" ? r.period : "total";
    if (seen.has(period)) at(["registers", i, "period"], `register ${period} is listed twice`);
    seen.add(period);
    const hasIndex = r.index_from !== undefined || r.index_to !== undefined;
    if (hasIndex && (r.index_from === undefined || r.index_to === undefined))
      at(["registers", i], "give both index_from and index_to, or neither");
    if (!hasIndex && r.kwh === undefined) at(["registers", i], "give index_from and index_to, or kwh");
    if (isNum(r.index_from) && isNum(r.index_to)) {
      const multiplier = isNum(r.multiplier) ? r.multiplier : 1;
      if (r.index_to < r.index_from)
        at(["registers", i, "index_to"], `is below index_from (${r.index_from}): a meter rollover?`);
      else if (isNum(r.kwh)) {
        const fromIndex = (r.index_to - r.index_from) * multiplier;
        if (Math.abs(fromIndex - r.kwh) > 1e-6)
          at(["registers", i, "kwh"], `is ${r.kwh} but the indexes give ${roundKwh(fromIndex)} kWh`);
      }
    }
  });
  if (seen.has("total") && seen.size > 1)
    at(["registers"], "give either one total register or one register per period, not both");
  const lines = Array.isArray(raw.lines) ? raw.lines.filter(isObj) : [];
  lines.forEach((l, i) => {
    if (l.kind === "vat" && l.basis === "ttc")
      at(["lines", i, "basis"], "a VAT line is neither HT nor TTC: omit basis");
  });
  if (isNum(raw.total) && lines.length > 0 && lines.every((l) => isNum(l.amount))) {
    const sum = lines.reduce((s, l) => s + Math.round((l.amount as number) * 100), 0);
    if (sum !== Math.round(raw.total * 100))
      at(["total"], `is ${raw.total.toFixed(2)} MAD but the lines add up to ${(sum / 100).toFixed(2)} MAD`);
  }
  return out;
}

/** The bill schema with its cross-field rules, for callers that want one schema (validateBill reports both at once). */
export const billInputSchema = billShape.superRefine((bill, ctx) => {
  for (const issue of crossCheckBill(bill))
    ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
});

export type BillInput = z.output<typeof billInputSchema>;
export type BillRegister = z.output<typeof registerSchema>;
export type BillLineOnBill = z.output<typeof billLineSchema>;

/** A bill as stored: the input plus who recorded it, when, and its id. */
export const storedBillSchema = z.strictObject({
  id: z.string().min(1).max(64),
  recorded_at: z.iso.datetime(),
  recorded_by: z.string().min(1).max(120),
  bill: billInputSchema,
});
export type StoredBill = z.output<typeof storedBillSchema>;

/** Billed kWh per register: the printed kWh, or the index difference × multiplier. */
export function billedKwh(bill: BillInput): Record<string, number> {
  return Object.fromEntries(
    bill.registers.map((r) => [
      r.period,
      r.kwh ?? roundKwh(((r.index_to ?? 0) - (r.index_from ?? 0)) * r.multiplier),
    ]),
  );
}

export function billedTotalKwh(bill: BillInput): number {
  return roundKwh(Object.values(billedKwh(bill)).reduce((a, b) => a + b, 0));
}

function roundKwh(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Whole days from one local date to another (calendar arithmetic, no time zone involved). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

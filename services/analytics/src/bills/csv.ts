/**
 * Bills from CSV, one bill per row, so a year of paper bills can be typed in a spreadsheet:
 *
 *   institution,reference,from,to,estimated,index_from,index_to,kwh,energy,energy_basis,fixed_fees,levy,vat,other,total,scan
 *   foyer-ben-guerir,F-2026-01,2026-01-05,2026-02-04,no,10000,10201,,234.69,ttc,20.74,21.35,8.41,,285.19,scans/f1.pdf
 *
 * Optional columns: multiplier, fees_basis, levy_basis, other_basis (ht by default), supersedes, note,
 * and kwh_peak/kwh_normal (or kwh_full/kwh_off_peak/…) for time-of-use registers instead of kwh.
 * Every problem of every row is reported at once, by line and column, and nothing is stored unless the
 * whole file is valid.
 *
 * The CSV reader is the few lines below rather than a library: none is a dependency of this workspace,
 * and tracking the PHYSICAL line of each row (a quoted cell may span lines) is what the error messages need.
 */
import type { Problem } from "@jisr/core/errors";
import { type BillInput, REGISTERS } from "./schema.js";
import { validateBill } from "./store.js";

export interface CsvRow {
  /** 1-based line where the row starts. */
  line: number;
  cells: string[];
}

/** RFC 4180: comma-separated, double-quoted cells with "" for a quote; CRLF or LF. */
export function parseCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const src = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < src.length; i++) {
    const ch = src[i] as string;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && src[i + 1] === "\n") i++;
      cells.push(cell);
      rows.push({ line: rowLine, cells });
      cells = [];
      cell = "";
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (cell !== "" || cells.length > 0) {
    cells.push(cell);
    rows.push({ line: rowLine, cells });
  }
  return rows.filter((r) => r.cells.some((c) => c.trim() !== ""));
}

const KNOWN = [
  "institution",
  "reference",
  "from",
  "to",
  "estimated",
  "index_from",
  "index_to",
  "multiplier",
  "kwh",
  ...REGISTERS.filter((r) => r !== "total").map((r) => `kwh_${r}`),
  "energy",
  "energy_basis",
  "fixed_fees",
  "fees_basis",
  "levy",
  "levy_basis",
  "vat",
  "other",
  "other_basis",
  "total",
  "scan",
  "supersedes",
  "note",
];
const REQUIRED = ["institution", "from", "to", "total"];

export interface CsvImport {
  bills: BillInput[];
  problems: Problem[];
}

/** A record of named cells (one CSV row, or the options of `jisr bill add`) → the bill's raw shape. */
export function recordToRaw(rec: Record<string, string | undefined>): {
  raw: Record<string, unknown>;
  /** The column each schema path came from, for the messages. */
  columnOf: (path: string) => string;
  problems: Problem[];
} {
  const problems: Problem[] = [];
  const get = (k: string) => {
    const v = rec[k]?.trim();
    return v === undefined || v === "" ? undefined : v;
  };
  const num = (k: string): number | string | undefined => {
    const v = get(k);
    if (v === undefined) return undefined;
    // Decimal comma as on Moroccan bills (234,69) is accepted; thousands separators are not.
    const n = Number(v.replace(",", "."));
    if (!Number.isFinite(n)) {
      problems.push({ path: k, message: `"${v}" is not a number` });
      return undefined;
    }
    return n;
  };
  const yes = (k: string): boolean | undefined => {
    const v = get(k)?.toLowerCase();
    if (v === undefined) return undefined;
    if (["yes", "true", "1", "oui", "y", "o"].includes(v)) return true;
    if (["no", "false", "0", "non", "n"].includes(v)) return false;
    problems.push({ path: k, message: `"${v}" is not yes or no` });
    return undefined;
  };
  const periodKwh = REGISTERS.filter((r) => r !== "total").filter((r) => get(`kwh_${r}`) !== undefined);
  const registers =
    periodKwh.length > 0
      ? periodKwh.map((period) => ({ period, kwh: num(`kwh_${period}`) }))
      : [
          strip({
            index_from: num("index_from"),
            index_to: num("index_to"),
            multiplier: num("multiplier"),
            kwh: num("kwh"),
          }),
        ];
  const registerColumn =
    periodKwh.length > 0 ? periodKwh.map((p) => `kwh_${p}`) : ["index_from/index_to/kwh"];
  const lineSpecs: Array<[string, string, string, string]> = [
    ["energy", "energy", "Énergie", "energy_basis"],
    ["fixed_fee", "fixed_fees", "Redevances", "fees_basis"],
    ["levy", "levy", "TPPAN", "levy_basis"],
    ["vat", "vat", "TVA", ""],
    ["other", "other", "Autres", "other_basis"],
  ];
  const lineColumns: string[] = [];
  const lines = lineSpecs.flatMap(([kind, column, label, basisColumn]) => {
    const amount = num(column);
    if (amount === undefined) return [];
    lineColumns.push(column);
    const basis = basisColumn ? get(basisColumn)?.toLowerCase() : undefined;
    return [strip({ kind, label, amount, basis })];
  });
  const raw = strip({
    institution: get("institution"),
    reference: get("reference"),
    from: get("from"),
    to: get("to"),
    estimated: yes("estimated"),
    registers,
    lines,
    total: num("total"),
    scan: get("scan"),
    supersedes: get("supersedes"),
    note: get("note"),
  });
  const columnOf = (path: string) => {
    const [head, index, rest] = path.split(".");
    if (head === "registers") return registerColumn[Number(index)] ?? (rest ? rest : "registers");
    if (head === "lines")
      return (
        (rest === "basis"
          ? lineSpecs.find((s) => s[1] === lineColumns[Number(index)])?.[3]
          : lineColumns[Number(index)]) ?? "lines"
      );
    return head ?? path;
  };
  return { raw, columnOf, problems };
}

export function importCsv(text: string): CsvImport {
  const rows = parseCsv(text);
  const [header, ...data] = rows;
  if (!header)
    return {
      bills: [],
      problems: [{ path: "line 1", message: "the file is empty: a header row is required" }],
    };
  const names = header.cells.map((c) => c.trim().toLowerCase());
  const problems: Problem[] = [];
  names.forEach((n, i) => {
    if (!KNOWN.includes(n))
      problems.push({
        path: `line ${header.line}, column ${i + 1}`,
        message: `unknown column "${n}"; known: ${KNOWN.join(", ")}`,
      });
  });
  for (const r of REQUIRED)
    if (!names.includes(r))
      problems.push({ path: `line ${header.line}`, message: `column "${r}" is required` });
  if (data.length === 0) problems.push({ path: `line ${header.line}`, message: "no bill after the header" });
  if (problems.length > 0) return { bills: [], problems };
  const bills: BillInput[] = [];
  for (const row of data) {
    if (row.cells.length !== names.length) {
      problems.push({
        path: `line ${row.line}`,
        message: `has ${row.cells.length} cells, the header has ${names.length}`,
      });
      continue;
    }
    const rec = Object.fromEntries(names.map((n, i) => [n, row.cells[i]]));
    const { raw, columnOf, problems: cellProblems } = recordToRaw(rec);
    const at = (p: Problem) => ({ path: `line ${row.line}, ${columnOf(p.path)}`, message: p.message });
    problems.push(...cellProblems.map(at));
    const checked = validateBill(raw);
    if (checked.ok) bills.push(checked.bill);
    else
      problems.push(
        ...checked.problems.filter((p) => !cellProblems.some((c) => p.path.startsWith(c.path))).map(at),
      );
  }
  return problems.length > 0 ? { bills: [], problems } : { bills, problems: [] };
}

function strip<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Bills on disk: one JSON-lines file per institution, `<dir>/<institution>.jsonl`, append-only.
 *
 * Why JSON lines rather than SQLite: a recorded bill is evidence for an auditor, so the file is never
 * rewritten. A correction is a new record that `supersedes` the old one, and both stay readable with
 * `cat` or in a diff. A few dozen bills a year per institution need no index or query engine. One file per
 * institution also makes "a manager only for their institutions" a matter of which file is opened, and
 * an institution's file can be handed over on its own. Each record is one `write` of one line to a file
 * opened with O_APPEND, then fsync'd: a crash leaves at worst a torn last line, which `list` reports by
 * line number instead of silently dropping it.
 */
import { randomUUID } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { idSchema } from "@jisr/core";
import { formatPath, type Problem, problemsOf, ValidationError } from "@jisr/core/errors";
import { type BillInput, billShape, crossCheckBill, type StoredBill, storedBillSchema } from "./schema.js";

export interface ValidBill {
  ok: true;
  bill: BillInput;
}
export interface InvalidBill {
  ok: false;
  problems: Problem[];
}

/** Every problem of a raw bill at once (zod issues by path, cross-field rules included). */
export function validateBill(raw: unknown): ValidBill | InvalidBill {
  const parsed = billShape.safeParse(raw, {
    error: (issue) =>
      issue.code === "invalid_type" && issue.input === undefined ? "is required" : undefined,
  });
  const cross = crossCheckBill(raw).map((i) => ({ path: formatPath(i.path), message: i.message }));
  if (parsed.success && cross.length === 0) return { ok: true, bill: parsed.data };
  return { ok: false, problems: [...(parsed.success ? [] : problemsOf(parsed.error)), ...cross] };
}

export class BillStore {
  constructor(readonly dir: string) {}

  private file(institution: string): string {
    // The id schema forbids '/', '..' and the like, so a file name can never leave the directory.
    const id = idSchema.safeParse(institution);
    if (!id.success) throw new ValidationError("institution id", problemsOf(id.error));
    return join(this.dir, `${institution}.jsonl`);
  }

  /** All records of an institution, in the order they were recorded (superseded ones included). */
  records(institution: string): StoredBill[] {
    const path = this.file(institution);
    if (!existsSync(path)) return [];
    const problems: Problem[] = [];
    const out: StoredBill[] = [];
    readFileSync(path, "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (line.trim() === "") return;
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          problems.push({ path: `line ${i + 1}`, message: "is not JSON (a torn write?)" });
          return;
        }
        const parsed = storedBillSchema.safeParse(json);
        if (parsed.success) out.push(parsed.data);
        else problems.push(...problemsOf(parsed.error, [`line ${i + 1}`]));
      });
    if (problems.length > 0) throw new ValidationError(`bills file ${path}`, problems);
    return out;
  }

  /** The bills in force: superseded ones left out, sorted by reading date. */
  list(institution: string): StoredBill[] {
    const all = this.records(institution);
    const superseded = new Set(all.map((r) => r.bill.supersedes).filter((s) => s !== undefined));
    return all.filter((r) => !superseded.has(r.id)).sort((a, b) => a.bill.from.localeCompare(b.bill.from));
  }

  /**
   * Appends bills (already validated) after checking them against those recorded: a period overlapping a
   * bill in force is refused unless the new bill supersedes it. All or nothing, every problem at once.
   */
  add(bills: readonly BillInput[], recordedBy: string, now = Date.now()): StoredBill[] {
    const problems: Problem[] = [];
    const byInstitution = new Map<string, StoredBill[]>();
    const records = bills.map((bill, i) => {
      const inForce = byInstitution.get(bill.institution) ?? this.list(bill.institution);
      const all = this.records(bill.institution);
      if (bill.supersedes && !all.some((r) => r.id === bill.supersedes))
        problems.push({
          path: `${i}.supersedes`,
          message: `no bill ${bill.supersedes} of ${bill.institution}`,
        });
      for (const other of inForce) {
        if (other.id === bill.supersedes) continue;
        if (bill.from < other.bill.to && other.bill.from < bill.to)
          problems.push({
            path: `${i}.from`,
            message: `${bill.from}..${bill.to} overlaps bill ${other.id} (${other.bill.from}..${other.bill.to}); to replace it, give supersedes: ${other.id}`,
          });
      }
      const record: StoredBill = {
        id: `bill_${randomUUID().replaceAll("-", "").slice(0, 16)}`,
        recorded_at: new Date(now).toISOString(),
        recorded_by: recordedBy,
        bill,
      };
      byInstitution.set(bill.institution, [...inForce.filter((r) => r.id !== bill.supersedes), record]);
      return record;
    });
    if (problems.length > 0) throw new ValidationError("bills", problems);
    mkdirSync(this.dir, { recursive: true });
    for (const record of records) appendLine(this.file(record.bill.institution), JSON.stringify(record));
    return records;
  }
}

function appendLine(path: string, line: string): void {
  const fd = openSync(path, "a");
  try {
    writeSync(fd, `${line}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

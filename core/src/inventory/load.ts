/**
 * Reading an inventory folder (the thin I/O around check.ts): `programme.yaml` and every other
 * `*.yaml` file beside it, each an institution. Files starting with "." are editors' and are skipped.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ValidationError } from "../errors.js";
import { type CheckResult, checkInventory, formatInventoryProblems, type InventoryFile } from "./check.js";
import type { Inventory } from "./schema.js";

/** The folder's YAML files, programme first; a missing folder is one problem, not a crash. */
export function readInventoryFiles(dir: string): InventoryFile[] {
  const names = readdirSync(dir)
    .filter((n) => /\.ya?ml$/.test(n) && !n.startsWith("."))
    .sort();
  return names.map((name) => ({ path: join(dir, name), text: readFileSync(join(dir, name), "utf8") }));
}

/** Checks the folder; every problem is in the result (none is thrown). */
export function checkInventoryDir(dir: string): CheckResult {
  const abs = resolve(dir);
  let files: InventoryFile[];
  try {
    files = readInventoryFiles(abs);
  } catch (err) {
    return { problems: [{ file: abs, path: "(folder)", message: `cannot read: ${(err as Error).message}` }] };
  }
  return checkInventory(abs, files, { fileExists: existsSync });
}

/** The checked inventory, or a ValidationError listing every problem with its file and line. */
export function loadInventory(dir: string): Inventory {
  const result = checkInventoryDir(dir);
  if (result.inventory) return result.inventory;
  throw new ValidationError(
    `inventory ${resolve(dir)}`,
    result.problems.map((p) => ({
      path: `${p.file}${p.line === undefined ? "" : `:${p.line}`} ${p.path}`,
      message: p.message,
    })),
  );
}

export { formatInventoryProblems };

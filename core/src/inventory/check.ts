/**
 * Checking an inventory, all of it at once: YAML syntax, each file against its schema, then the rules
 * across fields and files (ids, references to devices, tariff files). Every problem names its file and
 * line, so `jisr inventory check` can list them all in one run instead of one per edit.
 *
 * Pure: the files come in as text, and whether a tariff file exists is asked of `fileExists`.
 */
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { closest, distance } from "fastest-levenshtein";
import { type Document, isMap, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { knownKeys } from "../config-problems.js";
import { unknownKeyMessage } from "../strict-object.js";
import {
  type Inventory,
  type InventoryInstitution,
  institutionSchema,
  type Programme,
  programmeSchema,
} from "./schema.js";

export const PROGRAMME_FILE = "programme.yaml";

export interface InventoryFile {
  /** Path of the file (as given: shown in problems). */
  path: string;
  text: string;
}

export interface InventoryProblem {
  file: string;
  /** 1-based line of the value (or key) at fault; absent when the problem is the file as a whole. */
  line?: number;
  /** Where in the file, `pv.arrays.0.kwp`; "(file)" for the file itself. */
  path: string;
  message: string;
}

export interface CheckOptions {
  /** Whether a file exists (the tariff files); injected so the check stays pure. */
  fileExists: (path: string) => boolean;
}

export interface CheckResult {
  /** Present only when there is no problem. */
  inventory?: Inventory;
  /**
   * The programme and the institutions whose files have no problem, even when others have: the
   * services' own checks can then run on these in the same pass.
   */
  sound?: Inventory;
  problems: InventoryProblem[];
}

/** `file:line: path: message`, one per line. */
export function formatInventoryProblems(problems: readonly InventoryProblem[]): string {
  return problems
    .map((p) => `${p.file}${p.line === undefined ? "" : `:${p.line}`}: ${p.path}: ${p.message}`)
    .join("\n");
}

interface Parsed {
  file: InventoryFile;
  doc: Document;
  lines: LineCounter;
}

export function checkInventory(
  dir: string,
  files: readonly InventoryFile[],
  options: CheckOptions,
): CheckResult {
  const problems: InventoryProblem[] = [];
  const programmeFile = files.find((f) => basename(f.path) === PROGRAMME_FILE);
  let programme: Programme | undefined;
  if (!programmeFile) {
    problems.push({ file: resolve(dir, PROGRAMME_FILE), path: "(file)", message: "is missing" });
  } else {
    const parsed = parseYaml(programmeFile, problems);
    if (parsed) programme = validate(parsed, programmeSchema, problems);
  }
  const institutions: { parsed: Parsed; inst: InventoryInstitution }[] = [];
  const others = files.filter((f) => f !== programmeFile);
  if (others.length === 0)
    problems.push({
      file: dir,
      path: "(folder)",
      message: "holds no institution file (<institution-id>.yaml)",
    });
  const firstFile = new Map<string, string>();
  for (const file of others) {
    const parsed = parseYaml(file, problems);
    if (!parsed) continue;
    // Ids are compared even in a file with other problems: a copied file is the usual cause of both.
    const id: unknown = parsed.doc.get("id");
    if (typeof id === "string") {
      const at = locator(parsed, problems);
      const stem = basename(file.path).replace(/\.ya?ml$/, "");
      if (stem !== id) at(["id"], `must be the file's name: "${id}" is in ${basename(file.path)}`);
      const first = firstFile.get(id);
      if (first !== undefined) at(["id"], `"${id}" is already the id of ${first}`);
      else firstFile.set(id, file.path);
    }
    const inst = validate(parsed, institutionSchema, problems);
    if (inst) institutions.push({ parsed, inst });
  }
  for (const { parsed, inst } of institutions) {
    const at = locator(parsed, problems);
    crossCheck(inst, at);
    const tariff = isAbsolute(inst.tariff.file)
      ? inst.tariff.file
      : resolve(dirname(parsed.file.path), inst.tariff.file);
    if (!options.fileExists(tariff)) at(["tariff", "file"], `${tariff} does not exist`);
  }
  if (!programme) return { problems };
  const faulty = new Set(problems.map((p) => p.file));
  const sound = institutions.filter((i) => !faulty.has(i.parsed.file.path)).map((i) => i.inst);
  if (problems.length > 0) return { problems, sound: { dir, programme, institutions: sound } };
  return {
    problems,
    inventory: { dir, programme, institutions: institutions.map((i) => i.inst) },
  };
}

function parseYaml(file: InventoryFile, problems: InventoryProblem[]): Parsed | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const e of doc.errors)
      problems.push({
        file: file.path,
        line: lines.linePos(e.pos[0]).line,
        path: "(yaml)",
        message: e.message.split("\n")[0] ?? e.message,
      });
    return undefined;
  }
  return { file, doc, lines };
}

/** The file through its schema; every issue becomes a problem at its line (unknown keys: one per key). */
function validate<T extends z.ZodType>(parsed: Parsed, schema: T, problems: InventoryProblem[]) {
  const result = schema.safeParse(parsed.doc.toJS() ?? {}, {
    error: (issue) =>
      issue.code === "invalid_type" && issue.input === undefined ? "is required" : undefined,
  });
  if (result.success) return result.data as z.output<T>;
  const at = locator(parsed, problems);
  for (const issue of result.error.issues) {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (issue.code === "unrecognized_keys") {
      // One problem per key, on its own line. strictObject's message is the key's own when it is alone
      // (naming that object's keys); for several, each gets its own from the keys the schema has there.
      const known = issue.keys.length > 1 ? knownKeys(schema, path) : [];
      for (const key of issue.keys) {
        at([...path, key], known.length > 0 ? unknownKeyMessage(key, known) : issue.message, "key");
      }
    } else at(path, issue.message);
  }
  return undefined;
}

type At = (path: (string | number)[], message: string, which?: "key" | "value") => void;

/** Records a problem at `path` of the parsed file, on the line of that value (or of its key). */
function locator(parsed: Parsed, problems: InventoryProblem[]): At {
  return (path, message, which = "value") => {
    problems.push({
      file: parsed.file.path,
      line: lineOf(parsed, path, which),
      path: path.length === 0 ? "(root)" : path.join("."),
      message,
    });
  };
}

/**
 * The line of `path` in the document: of the key itself for an unknown key, of the value otherwise; a
 * missing key is reported on the line of the nearest object that holds it.
 */
export function lineOf(
  parsed: { doc: Document; lines: LineCounter },
  path: readonly (string | number)[],
  which: "key" | "value" = "value",
): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const parentPath = path.slice(0, Math.max(0, n - 1));
    const last = path[n - 1];
    if (n > 0 && (which === "key" || n < path.length) && last !== undefined) {
      const parent = parsed.doc.getIn(parentPath, true);
      if (isMap(parent)) {
        const pair = parent.items.find(
          (p) => String((p.key as { value?: unknown })?.value ?? p.key) === String(last),
        );
        const node = (n === path.length && which === "key" ? pair?.key : pair?.value) as
          | { range?: [number, number, number] }
          | undefined;
        if (node?.range) return parsed.lines.linePos(node.range[0]).line;
      }
    }
    const node = (n === 0 ? parsed.doc.contents : parsed.doc.getIn(path.slice(0, n), true)) as
      | { range?: [number, number, number] }
      | null
      | undefined;
    if (node && typeof node === "object" && node.range) return parsed.lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Rules across fields of one institution: unique device ids, every referenced device defined, one role each. */
function crossCheck(inst: InventoryInstitution, at: At): void {
  const defined = new Map<string, number>();
  inst.devices.forEach((d, i) => {
    const first = defined.get(d.id);
    if (first !== undefined) at(["devices", i, "id"], `"${d.id}" is already the id of devices.${first}`);
    else defined.set(d.id, i);
  });
  const roles = new Map<string, string>();
  const use = (device: string, role: string, path: (string | number)[]) => {
    if (!defined.has(device)) {
      at(path, `device "${device}" is not defined in devices${suggest(device, [...defined.keys()])}`);
    }
    const other = roles.get(device);
    if (other !== undefined && other !== role) at(path, `"${device}" is already the ${other}`);
    else if (other === role && role === "PV inverter") at(path, `"${device}" is already in another array`);
    roles.set(device, role);
  };
  inst.pv?.arrays.forEach((array, a) => {
    array.inverters.forEach((d, i) => {
      use(d, "PV inverter", ["pv", "arrays", a, "inverters", i]);
    });
    if (array.inputs !== undefined && array.inverters.length > 1)
      at(["pv", "arrays", a, "inputs"], "are per inverter: give them in an array of one inverter");
  });
  if (inst.pv?.irradiance_sensor)
    use(inst.pv.irradiance_sensor, "irradiance sensor", ["pv", "irradiance_sensor"]);
  if (inst.grid_meter) use(inst.grid_meter.device, "grid meter", ["grid_meter", "device"]);
  inst.hot_water?.heaters.forEach((h, i) => {
    use(h.device, "water heater", ["hot_water", "heaters", i, "device"]);
    if (h.heat_meter) use(h.heat_meter, "heat meter", ["hot_water", "heaters", i, "heat_meter"]);
  });
  const mqtt = inst.devices.findIndex((d) => d.protocol === "mqtt");
  if (mqtt >= 0 && !inst.gateway.mqtt_broker)
    at(["devices", mqtt, "protocol"], "an MQTT device needs gateway.mqtt_broker (url or embedded)");
  const contacts = new Map<string, number>();
  inst.contacts.forEach((c, i) => {
    const first = contacts.get(c.id);
    if (first !== undefined) at(["contacts", i, "id"], `"${c.id}" is already the id of contacts.${first}`);
    else contacts.set(c.id, i);
  });
}

function suggest(id: string, known: string[]): string {
  if (known.length === 0) return " (it has no device)";
  const best = closest(id, known);
  return distance(id, best) <= Math.max(2, Math.ceil(id.length / 3))
    ? ` (did you mean "${best}"?)`
    : `; devices are: ${known.join(", ")}`;
}

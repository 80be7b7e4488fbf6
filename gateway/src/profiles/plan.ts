/**
 * The read planner: the points of one poll in as few requests as the protocol allows. Per table, points
 * are taken in address order and merged into one request while the unused registers between them stay
 * within `max_gap` and the request within 125 registers (2000 bits). A point is never split, and a point
 * and its scale register always land in the same request (SunSpec scale factors can change between
 * reads, so a value must not be paired with another read's factor). Pure.
 */
import type { ProfilePoint } from "./profile.js";
import { isBitTable, type Table } from "./register-types.js";
import type { ReadOptions } from "./schema.js";

/** Modbus application protocol v1.1b3: at most 125 registers (FC 3/4) or 2000 bits (FC 1/2) per read. */
export const PROTOCOL_MAX_REGISTERS = 125;
export const PROTOCOL_MAX_BITS = 2000;

export interface ReadRequest {
  table: Table;
  address: number;
  /** Registers, or bits in a bit table. */
  count: number;
  /** Names of the points decoded from this request, in address order. */
  points: string[];
}

export type PlanOptions = Pick<ReadOptions, "max_gap" | "max_registers" | "max_bits">;

export const DEFAULT_PLAN_OPTIONS: PlanOptions = {
  max_gap: 10,
  max_registers: PROTOCOL_MAX_REGISTERS,
  max_bits: PROTOCOL_MAX_BITS,
};

/** Function-code order: coils (1), discrete inputs (2), holding (3), input registers (4). */
const TABLE_ORDER: readonly Table[] = ["coil", "discrete", "holding", "input"];

/** Points that must be read together (a value and its scale register), as one span. */
interface Cluster {
  start: number;
  end: number;
  points: ProfilePoint[];
}

/** Groups each point with its scale register (transitively: one factor may scale many values). */
function clusters(points: readonly ProfilePoint[]): Cluster[] {
  const parent = new Map<string, string>(points.map((p) => [p.name, p.name]));
  const find = (n: string): string => {
    const up = parent.get(n) ?? n;
    return up === n ? n : find(up);
  };
  for (const p of points) {
    if (p.scaleRegister !== undefined && parent.has(p.scaleRegister)) {
      parent.set(find(p.name), find(p.scaleRegister));
    }
  }
  const byRoot = new Map<string, Cluster>();
  for (const p of points) {
    const root = find(p.name);
    const c = byRoot.get(root) ?? { start: p.address, end: p.address + p.size, points: [] };
    c.start = Math.min(c.start, p.address);
    c.end = Math.max(c.end, p.address + p.size);
    c.points.push(p);
    byRoot.set(root, c);
  }
  return [...byRoot.values()].sort((a, b) => a.start - b.start || a.end - b.end);
}

function planTable(table: Table, points: readonly ProfilePoint[], options: PlanOptions): ReadRequest[] {
  const bits = isBitTable(table);
  const limit = bits ? options.max_bits : options.max_registers;
  // A register of gap costs 2 bytes on the wire; 16 unused bits cost as much.
  const maxGap = bits ? options.max_gap * 16 : options.max_gap;
  const requests: Array<{ start: number; end: number; points: ProfilePoint[] }> = [];
  for (const c of clusters(points)) {
    const last = requests.at(-1);
    if (last && c.start - last.end <= maxGap && Math.max(last.end, c.end) - last.start <= limit) {
      last.end = Math.max(last.end, c.end);
      last.points.push(...c.points);
    } else {
      requests.push({ ...c, points: [...c.points] });
    }
  }
  return requests.map((r) => ({
    table,
    address: r.start,
    count: r.end - r.start,
    points: [...r.points].sort((a, b) => a.address - b.address).map((p) => p.name),
  }));
}

/**
 * The requests reading every point, table by table (coils, discrete inputs, holding, input registers in
 * function-code order). A cluster larger than one request still gets its own request: `checkProfile`
 * reports it as a mistake before a profile is ever used.
 */
export function planReads(
  points: readonly ProfilePoint[],
  options: PlanOptions = DEFAULT_PLAN_OPTIONS,
): ReadRequest[] {
  return TABLE_ORDER.flatMap((table) =>
    planTable(
      table,
      points.filter((p) => p.table === table),
      options,
    ),
  );
}

/** One request per point: what a naive driver would send, the baseline of the benchmark. */
export function planOnePerPoint(points: readonly ProfilePoint[]): ReadRequest[] {
  return points.map((p) => ({ table: p.table, address: p.address, count: p.size, points: [p.name] }));
}

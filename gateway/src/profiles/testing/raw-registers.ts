/**
 * For tests: a Modbus TCP device serving raw register words from a JSON table (a golden case's
 * registers.json), so decoding is checked against words written by hand rather than by our encoder.
 *
 * Format: `{ "<table>": { "<address>": [word, word, ...] } }`, tables holding, input, coil, discrete;
 * each array starts at its address. Registers between the first and the last given read as 0 (as on
 * most devices); beyond them the device answers exception 2 (illegal data address).
 */
import { type ImageServer, ModbusServerException, startImageServer } from "@jisr/simulators";
import { pino } from "pino";
import { z } from "zod";
import type { Table } from "../register-types.js";

const blocks = z.record(z.string().regex(/^\d+$/), z.array(z.number().int().min(0).max(0xffff)));
export const registerTablesSchema = z.strictObject({
  holding: blocks.optional(),
  input: blocks.optional(),
  coil: blocks.optional(),
  discrete: blocks.optional(),
});
export type RegisterTables = z.infer<typeof registerTablesSchema>;

export function registerSource(tables: RegisterTables) {
  const words = new Map<Table, Map<number, number>>();
  for (const [table, byStart] of Object.entries(tables) as Array<[Table, Record<string, number[]>]>) {
    const map = new Map<number, number>();
    for (const [start, values] of Object.entries(byStart)) {
      values.forEach((w, i) => {
        map.set(Number(start) + i, w);
      });
    }
    words.set(table, map);
  }
  return {
    read(table: Table, address: number, count: number): number[] {
      const map = words.get(table);
      const keys = map ? [...map.keys()] : [];
      if (!map || address < Math.min(...keys) || address + count - 1 > Math.max(...keys)) {
        throw new ModbusServerException(2, `no ${table} ${address}+${count}`);
      }
      return Array.from({ length: count }, (_, i) => map.get(address + i) ?? 0);
    },
  };
}

/** Serves `tables` on a free loopback port for unit 1. */
export function serveRegisters(tables: RegisterTables, unit = 1): Promise<ImageServer> {
  return startImageServer(registerSource(tables), {
    host: "127.0.0.1",
    port: 0,
    unit,
    logger: pino({ level: "silent" }),
  });
}

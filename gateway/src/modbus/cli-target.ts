/**
 * The bus options of the technician's commands (`jisr gateway read`, `scan`): `--host H [--port P]` for
 * Modbus TCP, or `--serial PATH [--baud N] [--parity P]` for Modbus RTU, checked once, at the edge.
 * commander declares them in cli-target-options.ts, which loads no zod.
 */
import { z } from "zod";
import { BAUD_RATES, PARITIES } from "../config/serial-line.js";
import type { LinkTarget } from "./target.js";

export const targetOptionsShape = {
  host: z.string().min(1, "must not be empty").optional(),
  port: z.coerce.number().int().min(1).max(65535).default(502),
  serial: z.string().min(1, "must not be empty").optional(),
  baud: z.coerce
    .number()
    .refine((b) => (BAUD_RATES as readonly number[]).includes(b), `must be one of: ${BAUD_RATES.join(", ")}`)
    .default(9600),
  parity: z.enum(PARITIES, { error: `must be one of: ${PARITIES.join(", ")}` }).default("none"),
};

const targetSchema = z.object(targetOptionsShape);

/** Where to read, from the parsed options; a message naming the flags if neither or both buses are given. */
export function targetOf(options: z.output<typeof targetSchema>): LinkTarget | string {
  const { host, port, serial, baud, parity } = options;
  if ((host === undefined) === (serial === undefined))
    return "give either --host (Modbus TCP) or --serial (Modbus RTU), not both";
  if (serial !== undefined) return { serial: { path: serial, baud, parity, data_bits: 8, stop_bits: 1 } };
  return { host: host ?? "", port };
}

/** "--port: must be ..." from the first zod issue: one line a technician can act on. */
export function optionError(error: z.ZodError): string {
  const issue = error.issues[0];
  const flag = String(issue?.path[0] ?? "?").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return `--${flag}: ${issue?.message ?? "invalid"}`;
}

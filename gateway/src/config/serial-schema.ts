/** The RS-485 line of a Modbus RTU device: which serial port, and how its bytes are framed. */
import { z } from "zod";
import { BAUD_RATES, PARITIES } from "./serial-line.js";

export { BAUD_RATES, PARITIES };

export const serialSchema = z
  .strictObject({
    path: z
      .string()
      .min(1, "must not be empty")
      .describe('Serial port of the RS-485 adapter, e.g. "/dev/ttyUSB0" (or a pseudo-terminal in tests).'),
    baud: z
      .number()
      .refine(
        (b) => (BAUD_RATES as readonly number[]).includes(b),
        `must be one of: ${BAUD_RATES.join(", ")}`,
      )
      .default(9600)
      .describe("Line speed in baud; every device on one bus uses the same."),
    parity: z
      .enum(PARITIES, { error: `must be one of: ${PARITIES.join(", ")}` })
      .default("none")
      .describe('Parity bit: "none", "even" (the Modbus default) or "odd".'),
    data_bits: z
      .union([z.literal(7), z.literal(8)])
      .default(8)
      .describe("Data bits per character (8 for RTU)."),
    stop_bits: z
      .union([z.literal(1), z.literal(2)])
      .default(1)
      .describe("Stop bits per character."),
  })
  .describe("Modbus RTU over a serial line, in place of host/port.");

export type SerialConfig = z.output<typeof serialSchema>;

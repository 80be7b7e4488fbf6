/** The options of `jisr ingest`, checked once at the process edge (each may also come from the environment). */
import { z } from "zod";

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();

export const ingestOptionsSchema = z
  .object({
    port,
    host: z.string().min(1),
    influxUrl: z.url({ protocol: /^https?$/, message: "must be an http(s) URL, e.g. http://127.0.0.1:8086" }),
    database: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be letters, digits, _ or - (max 64)"),
    influxToken: z.string().min(1).optional(),
    influxUsername: z.string().min(1).optional(),
    influxPassword: z.string().optional(),
    tokens: z.string().min(1),
    bodyLimit: positiveInt,
    maxPoints: positiveInt,
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]),
  })
  .refine((o) => !(o.influxToken && o.influxUsername), {
    message: "give either --influx-token or --influx-username/--influx-password, not both",
    path: ["influxToken"],
  })
  .refine((o) => (o.influxUsername === undefined) === (o.influxPassword === undefined), {
    message: "--influx-username and --influx-password go together",
    path: ["influxPassword"],
  });
export type IngestOptions = z.output<typeof ingestOptionsSchema>;

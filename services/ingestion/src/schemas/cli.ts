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
    maxFields: positiveInt,
    maxTags: positiveInt,
    headersTimeout: positiveInt.describe("ms"),
    requestTimeout: positiveInt.describe("ms"),
    keepAliveTimeout: positiveInt.describe("ms"),
    idleTimeout: positiveInt.describe("ms"),
    maxConnections: positiveInt,
    groupWindow: z.coerce.number().int().min(0).max(10_000).describe("ms"),
    groupPoints: positiveInt,
    maxInFlightPoints: positiveInt,
    logInterval: z.coerce.number().int().min(0).max(86_400).describe("s"),
    workers: z.coerce.number().int().min(1).max(256),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]),
  })
  .refine((o) => !(o.influxToken && o.influxUsername), {
    message: "give either --influx-token or --influx-username/--influx-password, not both",
    path: ["influxToken"],
  })
  .refine((o) => (o.influxUsername === undefined) === (o.influxPassword === undefined), {
    message: "--influx-username and --influx-password go together",
    path: ["influxPassword"],
  })
  // Node refuses a header timeout longer than the request timeout; say so in the options' own terms.
  .refine((o) => o.headersTimeout <= o.requestTimeout, {
    message: "--headers-timeout must not be longer than --request-timeout",
    path: ["headersTimeout"],
  });
export type IngestOptions = z.output<typeof ingestOptionsSchema>;

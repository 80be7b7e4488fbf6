/**
 * Opening the readings store, once for every command: InfluxDB (`--influx-url`, production) or a SQLite
 * file (`--sqlite`, the demo's store), the same options and variables everywhere (analytics, alerting,
 * reports, web). Checked once at the process edge.
 */
import { InfluxClient } from "@jisr/core/influx";
import type { Store } from "@jisr/core/store";
import { InfluxStore, SqliteStore } from "@jisr/core/store";
import { type Command, Option } from "commander";
import type { Logger } from "pino";
import { z } from "zod";

export const storeOptionsSchema = z
  .object({
    influxUrl: z
      .url({ protocol: /^https?$/, message: "must be an http(s) URL, e.g. http://127.0.0.1:8086" })
      .optional(),
    database: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be letters, digits, _ or - (max 64)"),
    influxToken: z.string().min(1).optional(),
    influxUsername: z.string().min(1).optional(),
    influxPassword: z.string().optional(),
    sqlite: z.string().min(1).optional(),
  })
  .refine((o) => (o.influxUrl === undefined) !== (o.sqlite === undefined), {
    message: "give either --influx-url (InfluxDB) or --sqlite FILE (the demo's store), not both",
    path: ["influxUrl"],
  })
  .refine((o) => !(o.influxToken && o.influxUsername), {
    message: "give either --influx-token or --influx-username/--influx-password, not both",
    path: ["influxToken"],
  });

export type StoreOptions = z.output<typeof storeOptionsSchema>;

/** Adds the store options to a command; each may come from its environment variable. */
export function addStoreOptions(command: Command, influxOnly = false): Command {
  command
    .addOption(new Option("--influx-url <url>", "InfluxDB base URL").env("JISR_INFLUX_URL"))
    .addOption(
      new Option("--database <name>", "InfluxDB database").env("JISR_INFLUX_DATABASE").default("jisr"),
    )
    .addOption(new Option("--influx-token <token>", "InfluxDB 2.x/3.x token").env("JISR_INFLUX_TOKEN"))
    .addOption(new Option("--influx-username <user>", "InfluxDB 1.x user").env("JISR_INFLUX_USERNAME"))
    .addOption(
      new Option("--influx-password <password>", "InfluxDB 1.x password (prefer the variable)").env(
        "JISR_INFLUX_PASSWORD",
      ),
    );
  if (!influxOnly)
    command.addOption(new Option("--sqlite <file>", "SQLite store file (the demo's)").env("JISR_SQLITE"));
  return command;
}

export function influxClientOf(o: StoreOptions, logger: Logger): InfluxClient {
  const auth = o.influxToken
    ? { token: o.influxToken }
    : o.influxUsername
      ? { username: o.influxUsername, password: o.influxPassword ?? "" }
      : undefined;
  return new InfluxClient({
    url: o.influxUrl as string,
    database: o.database,
    ...(auth ? { auth } : {}),
    logger,
  });
}

export function openStore(o: StoreOptions, logger: Logger): Store {
  if (o.sqlite) return new SqliteStore({ path: o.sqlite, logger });
  return new InfluxStore(influxClientOf(o, logger));
}

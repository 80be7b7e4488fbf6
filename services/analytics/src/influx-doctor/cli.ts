/**
 * `jisr influx doctor`: registered under `jisr influx` by ../cli.ts. Exit code 0 when the database is
 * clean, 1 when collisions were found (so a cron job or CI can alert), 2 when the check itself failed.
 */

import { addStoreOptions, influxClientOf, storeOptionsSchema } from "@jisr/service-kit";
import type { Command } from "commander";
import { pino } from "pino";
import { z } from "zod";
import { diagnose, formatDiagnosis, repairStatements } from "./doctor.js";

export interface DoctorIo {
  stdout: { write(s: string): unknown };
}

const schema = z.object({ json: z.boolean().default(false) });

const EXAMPLES = `
Exit code: 0 no collision, 1 collisions found (the report says how to repair them), 2 the check failed.

Examples:
  jisr influx doctor --influx-url http://127.0.0.1:8086 --database jisr
  JISR_INFLUX_URL=http://influxdb:8086 JISR_INFLUX_USERNAME=admin JISR_INFLUX_PASSWORD=… jisr influx doctor
  jisr influx doctor --json | jq '.collisions[] | {measurement, key, seriesCount}'

Needs an InfluxDB 1.x admin for SHOW SHARDS (the repair statements); without one it still lists the
collisions.
`;

export function registerInfluxDoctor(influx: Command, io: DoctorIo): void {
  const command = influx
    .command("doctor")
    .description(
      "find field keys that collide with tag keys (e.g. a field named institution or device) and print how to repair them",
    )
    .option("--json", "print the diagnosis as JSON")
    .addHelpText("after", EXAMPLES);
  addStoreOptions(command, true).action(async (raw: Record<string, unknown>, cmd: Command) => {
    const options = schema.safeParse(raw);
    const store = storeOptionsSchema.safeParse(raw);
    if (!options.success || !store.success) {
      const issues = [...(options.error?.issues ?? []), ...(store.error?.issues ?? [])];
      cmd.error(`invalid options: ${issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`, {
        exitCode: 2,
      });
      return;
    }
    const client = influxClientOf(
      store.data,
      pino({ name: "jisr-influx-doctor", level: "warn" }, pino.destination(2)),
    );
    let found = 0;
    try {
      const d = await diagnose(client);
      found = d.collisions.length;
      if (options.data.json) {
        const { fields: _fields, ...rest } = d;
        const repair = found > 0 && !d.shardsError ? repairStatements(d) : [];
        io.stdout.write(`${JSON.stringify({ ...rest, repair }, null, 2)}\n`);
      } else io.stdout.write(formatDiagnosis(d));
    } catch (err) {
      cmd.error(`jisr influx doctor: ${(err as Error).message}`, { exitCode: 2 });
    } finally {
      client.close();
    }
    if (found > 0)
      cmd.error(`jisr influx doctor: ${found} collision(s) in "${client.database}"`, { exitCode: 1 });
  });
}

/**
 * `jisr ingest-quarantine list|replay|rejected --state FILE`: what the MQTT consumer kept without storing
 * it (state.ts), for an operator. `replay` does not write to InfluxDB itself: it marks the batches in the
 * state file and the running `jisr ingest` (same --mqtt-state) replays them within a second, with its own
 * store, checks and tokens; the command waits for the outcome and prints it.
 */
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { formatProblems, problemsOf } from "@jisr/core/errors";
import { type Command, Option } from "commander";
import { z } from "zod";
import { DEFAULT_STATE_FILE } from "./cli-options.js";
import { MqttIngestState, type QuarantineEntry } from "./state.js";

export interface QuarantineCliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

const filterSchema = z.object({
  state: z.string().min(1),
  institution: z.string().min(1).optional(),
  gateway: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

const replaySchema = filterSchema.extend({
  id: z.array(z.coerce.number().int().positive("must be a batch id from `list`")).optional(),
  ignoreToken: z.boolean().optional(),
  wait: z.coerce.number().min(0).max(3600),
});

const rejectedSchema = filterSchema.extend({ limit: z.coerce.number().int().positive().max(100_000) });

function stateOption(): Option {
  return new Option("--state <file>", "the MQTT state file of `jisr ingest` (its --mqtt-state)")
    .env("JISR_MQTT_STATE")
    .default(DEFAULT_STATE_FILE);
}

function filterOptions(c: Command): Command {
  return c
    .addOption(stateOption())
    .option("--institution <id>", "only batches of this institution (the topic's)")
    .option("--gateway <id>", "only batches of this gateway (the topic's)")
    .option("--json", "print JSON");
}

export function registerQuarantineCommands(program: Command, io: QuarantineCliIo): void {
  const q = program
    .command("ingest-quarantine")
    .description(
      "MQTT ingestion: batches kept in quarantine (token missing, unknown or another institution's) and points refused for good",
    );

  filterOptions(q.command("list").description("list the quarantined batches, oldest first")).action(
    (raw: Record<string, unknown>, command: Command) => {
      const o = parse(filterSchema, raw, command);
      withState(o.state, command, (state) => {
        const rows = state.list(o);
        if (o.json) return io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        const s = state.summary(o);
        io.stdout.write(
          `${s.batches} batch(es), ${s.points} point(s), ${s.bytes} bytes in quarantine (${state.path})\n`,
        );
        if (rows.length > 0) io.stdout.write(table(rows));
      });
    },
  );

  filterOptions(
    q
      .command("replay")
      .description(
        "ask the running `jisr ingest` to replay quarantined batches now, and wait for the outcome",
      ),
  )
    .option("--id <n...>", "only these batch ids (from `list`)")
    .option(
      "--ignore-token",
      "store them for the institution their topic names, whatever their token (when you vouch for the gateway: a token rotated before its last batches, or a missing token)",
    )
    .option("--wait <seconds>", "how long to wait for the running service", "30")
    .addHelpText(
      "after",
      `
Without --ignore-token, each batch's token is checked again against the tokens file: fix the file first
(\`jisr token new\`), or rely on the automatic replay that follows every change of the tokens file.
The service must run with the same --mqtt-state file; nothing is written by this command itself.

Examples:
  jisr ingest-quarantine list --state /var/lib/jisr/ingest-mqtt.sqlite
  jisr ingest-quarantine replay --state /var/lib/jisr/ingest-mqtt.sqlite --gateway gw-1
  jisr ingest-quarantine replay --state /var/lib/jisr/ingest-mqtt.sqlite --gateway gw-1 --ignore-token`,
    )
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const o = parse(replaySchema, raw, command);
      const state = open(o.state, command);
      try {
        const ids = state.requestReplay(
          { ...o, ...(o.id && { ids: o.id }) },
          o.ignoreToken ? "trust" : "recheck",
        );
        if (ids.length === 0) {
          io.stdout.write("No quarantined batch matches: nothing to replay.\n");
          return;
        }
        io.stderr.write(`${ids.length} batch(es) marked for replay; waiting for jisr ingest…\n`);
        const deadline = Date.now() + o.wait * 1000;
        let left: QuarantineEntry[] = [];
        for (;;) {
          left = state.list({ ids });
          if (left.every((e) => e.replay === null) || Date.now() >= deadline) break;
          await sleep(200);
        }
        const pending = left.filter((e) => e.replay !== null);
        const refused = left.filter((e) => e.replay === null);
        const replayed = ids.length - left.length;
        const result = { marked: ids.length, replayed, still_refused: refused, not_picked_up: pending };
        if (o.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else {
          io.stdout.write(`${replayed} of ${ids.length} batch(es) replayed and stored.\n`);
          for (const e of refused) io.stdout.write(`  #${e.id} ${e.gateway}: ${e.last_check}\n`);
          if (pending.length > 0)
            io.stdout.write(
              `${pending.length} not picked up within ${o.wait} s: is \`jisr ingest --mqtt-state ${state.path}\` running? They stay marked and are replayed when it runs.\n`,
            );
        }
        if (replayed < ids.length) process.exitCode = 1;
      } finally {
        state.close();
      }
    });

  filterOptions(
    q.command("rejected").description("the points (or unreadable batches) refused for good, newest first"),
  )
    .option("--limit <n>", "how many", "50")
    .action((raw: Record<string, unknown>, command: Command) => {
      const o = parse(rejectedSchema, raw, command);
      withState(o.state, command, (state) => {
        const rows = state.rejected(o, o.limit);
        if (o.json) return io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        for (const r of rows)
          io.stdout.write(
            `${new Date(r.rejected_at).toISOString()}  ${r.institution}/${r.gateway}  ${r.code}  ${r.path}: ${r.message}\n    ${r.item}\n`,
          );
      });
    });
}

function parse<S extends z.ZodType>(schema: S, raw: Record<string, unknown>, command: Command): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) command.error(`invalid options:\n${formatProblems(problemsOf(parsed.error))}`);
  return parsed.data as z.output<S>;
}

function open(path: string, command: Command): MqttIngestState {
  if (!existsSync(path))
    command.error(
      `MQTT state file ${path} does not exist: give the --mqtt-state of \`jisr ingest\` (default ${DEFAULT_STATE_FILE} in its working directory)`,
    );
  try {
    return new MqttIngestState({ path });
  } catch (err) {
    return command.error(`MQTT state file ${path}: ${(err as Error).message}`);
  }
}

function withState(path: string, command: Command, use: (state: MqttIngestState) => unknown): void {
  const state = open(path, command);
  try {
    use(state);
  } finally {
    state.close();
  }
}

function table(rows: QuarantineEntry[]): string {
  const header = ["ID", "RECEIVED", "INSTITUTION", "GATEWAY", "POINTS", "REASON"];
  const cells = rows.map((r) => [
    String(r.id),
    new Date(r.received_at).toISOString(),
    r.institution,
    r.gateway,
    String(r.points),
    `${r.reason}${r.replay ? ` (replay asked: ${r.replay})` : ""}${r.last_check ? ` [${r.last_check}]` : ""}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return `${[header, ...cells].map(line).join("\n")}\n`;
}

/**
 * The MQTT options of `jisr ingest` (each may also come from an environment variable), kept here so the
 * command's own options stay as they were. Without --mqtt-url the service takes HTTP only.
 */
import { hostname } from "node:os";
import { type Problem, problemsOf } from "@jisr/core/errors";
import { type Command, Option } from "commander";
import { z } from "zod";
import type { IngestionServerOptions } from "../server.js";
import { checkFeedbackTemplate, DEFAULT_FEEDBACK_TOPIC } from "./feedback.js";
import { DEFAULT_BATCH_TOPIC, parseBatchTopicFilter } from "./topic.js";

/**
 * No shared subscription by default. MQTT 5 defines that a broker queues for a plain subscription's
 * persistent session while its client is away; what a broker does with a shared subscription while no
 * member is connected is left to it (eclipse-mosquitto/mosquitto#2662 reports messages lost). One
 * instance needs no sharing; several opt in with --mqtt-group (see README).
 */
export const DEFAULT_SHARE_GROUP = "";

/** Relative to the working directory, as the gateway's data_dir is to its config. */
export const DEFAULT_STATE_FILE = "jisr-ingest-mqtt.sqlite";
export const DEFAULT_QUARANTINE_MAX_BATCHES = 10_000;
export const DEFAULT_QUARANTINE_MAX_BYTES = 512 * 1024 * 1024;

const positiveInt = z.coerce.number().int().positive();

export const mqttCliSchema = z.object({
  mqttUrl: z
    .url({ protocol: /^mqtts?$/, message: "must be an mqtt:// or mqtts:// URL, e.g. mqtt://127.0.0.1:1883" })
    .optional(),
  mqttTopic: z.string().superRefine((t, ctx) => {
    try {
      parseBatchTopicFilter(t);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
    }
  }),
  mqttGroup: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, "must be letters, digits, _ or - (empty: no shared subscription)"),
  mqttClientId: z.string().min(1).max(64).optional(),
  mqttUsername: z.string().min(1).optional(),
  mqttPassword: z.string().optional(),
  mqttState: z.string().min(1, "must name a file, e.g. /var/lib/jisr/ingest-mqtt.sqlite"),
  mqttFeedbackTopic: z.string().superRefine((t, ctx) => {
    try {
      checkFeedbackTemplate(t);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
    }
  }),
  mqttQuarantineMaxBatches: positiveInt,
  mqttQuarantineMaxBytes: positiveInt,
});

export function addMqttOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--mqtt-url <url>", "also take batches from this MQTT 5 broker (mqtt:// or mqtts://)").env(
        "JISR_MQTT_URL",
      ),
    )
    .addOption(
      new Option("--mqtt-topic <filter>", "batch topics: two + levels, the institution then the gateway")
        .env("JISR_MQTT_TOPIC")
        .default(DEFAULT_BATCH_TOPIC),
    )
    .addOption(
      new Option(
        "--mqtt-group <name>",
        'shared-subscription group ($share/<name>/...) for several instances; default "": one instance, ' +
          "a plain subscription the broker queues for while it is away",
      )
        .env("JISR_MQTT_GROUP")
        .default(DEFAULT_SHARE_GROUP),
    )
    .addOption(
      new Option(
        "--mqtt-client-id <id>",
        "MQTT client id, stable and unique per instance (default jisr-ingest-<host>-<port>)",
      ).env("JISR_MQTT_CLIENT_ID"),
    )
    .addOption(new Option("--mqtt-username <user>", "broker user of this service").env("JISR_MQTT_USERNAME"))
    .addOption(
      new Option("--mqtt-password <password>", "broker password (prefer the variable)").env(
        "JISR_MQTT_PASSWORD",
      ),
    )
    .addOption(
      new Option(
        "--mqtt-state <file>",
        "SQLite file of the quarantine (batches with a bad token) and of the points refused for good",
      )
        .env("JISR_MQTT_STATE")
        .default(DEFAULT_STATE_FILE),
    )
    .addOption(
      new Option(
        "--mqtt-feedback-topic <template>",
        'where each gateway hears of its quarantined and refused batches (retained); "" for none',
      )
        .env("JISR_MQTT_FEEDBACK_TOPIC")
        .default(DEFAULT_FEEDBACK_TOPIC),
    )
    .addOption(
      new Option("--mqtt-quarantine-max-batches <n>", "most batches kept in quarantine; the oldest go first")
        .env("JISR_MQTT_QUARANTINE_MAX_BATCHES")
        .default(String(DEFAULT_QUARANTINE_MAX_BATCHES)),
    )
    .addOption(
      new Option("--mqtt-quarantine-max-bytes <n>", "most bytes of batches kept in quarantine")
        .env("JISR_MQTT_QUARANTINE_MAX_BYTES")
        .default(String(DEFAULT_QUARANTINE_MAX_BYTES)),
    );
}

export const MQTT_HELP = `
MQTT (optional): with --mqtt-url, batches published by gateways on jisr/<institution>/<gateway>/points
(QoS 1, MQTT 5 user property "authorization: Bearer <token>") are checked like HTTP writes and stored;
the token must belong to the topic's institution. One instance takes a plain subscription, which the
broker queues for while it is away; several share the load with --mqtt-group jisr-ingest
($share/jisr-ingest/jisr/+/+/points; see services/ingestion/src/mqtt/README.md for the broker's part).
A batch is acknowledged once its good points are stored; its bad points are kept with their reason in
--mqtt-state, and a batch whose token is missing, unknown or another institution's is quarantined there
and replayed once its token is good: jisr ingest-quarantine list|replay|rejected --state FILE.
  jisr ingest --port 8080 --influx-url http://127.0.0.1:8086 --tokens tokens.json --mqtt-url mqtt://broker:1883`;

/** The `mqtt` option of startIngestion, or every problem of the MQTT options. */
export function mqttServerOptions(
  raw: Record<string, unknown>,
  httpPort: number,
): { ok: true; options: IngestionServerOptions["mqtt"] } | { ok: false; problems: Problem[] } {
  const parsed = mqttCliSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };
  const o = parsed.data;
  if (o.mqttUrl === undefined) return { ok: true, options: undefined };
  return {
    ok: true,
    options: {
      url: o.mqttUrl,
      topic: o.mqttTopic,
      group: o.mqttGroup,
      clientId: o.mqttClientId ?? defaultClientId(httpPort),
      ...(o.mqttUsername !== undefined && { username: o.mqttUsername }),
      ...(o.mqttPassword !== undefined && { password: o.mqttPassword }),
      state: {
        path: o.mqttState,
        maxQuarantineBatches: o.mqttQuarantineMaxBatches,
        maxQuarantineBytes: o.mqttQuarantineMaxBytes,
      },
      feedbackTopic: o.mqttFeedbackTopic,
    },
  };
}

/** Stable across restarts (the broker keeps the session and its queue), unique per instance on a host. */
export function defaultClientId(httpPort: number): string {
  return `jisr-ingest-${hostname()}-${httpPort}`.slice(0, 64);
}

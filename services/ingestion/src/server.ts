/**
 * Runs the ingestion app on a socket. The store is initialised (database created) at start; if InfluxDB
 * is down then, the service still starts, answers 503 to writes and initialises on the first write that
 * finds InfluxDB back (see init-on-use.ts).
 */
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import {
  type AppOptions,
  buildApp,
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_MAX_FIELDS,
  DEFAULT_MAX_POINTS,
  DEFAULT_MAX_TAGS,
} from "./app.js";
import { InitOnUseStore } from "./init-on-use.js";
import { type MqttIngest, type MqttIngestOptions, startMqttIngest } from "./mqtt/consumer.js";

export interface IngestionServerOptions extends AppOptions {
  host: string;
  /** 0 picks a free port; the chosen one is in `url`. */
  port: number;
  /** Also take batches from an MQTT broker (src/mqtt/README.md); same store, tokens and limits. */
  mqtt?: Pick<
    MqttIngestOptions,
    "url" | "topic" | "group" | "clientId" | "username" | "password" | "retry" | "state" | "feedbackTopic"
  >;
}

export interface IngestionServer {
  url: string;
  app: FastifyInstance;
  /** The MQTT consumer, when `mqtt` was given. */
  mqtt?: MqttIngest;
  /** Stops listening and closes the app; the store belongs to the caller, which closes it. */
  close(): Promise<void>;
}

export async function startIngestion(opts: IngestionServerOptions): Promise<IngestionServer> {
  const logger =
    typeof opts.logger === "object"
      ? opts.logger
      : pino({ name: "jisr-ingestion", level: opts.logger === false ? "silent" : "info" });
  const log = logger.child({ component: "ingestion-server" });
  const store = new InitOnUseStore(opts.store);
  // The app first: a missing tokens file fails the start at once, before any wait on InfluxDB.
  const app = await buildApp({ ...opts, store, logger: opts.logger === false ? false : logger });
  try {
    await store.init();
  } catch (err) {
    log.warn({ err, store: store.kind }, "Store not reachable at start; writes get 503 until it is");
  }
  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log.info({ url, store: store.kind }, "Ingestion listening");
  const limits = {
    maxPoints: opts.maxPoints ?? DEFAULT_MAX_POINTS,
    maxBytes: opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    point: { maxFields: opts.maxFields ?? DEFAULT_MAX_FIELDS, maxTags: opts.maxTags ?? DEFAULT_MAX_TAGS },
  };
  const mqtt = opts.mqtt
    ? await startMqttIngest({ ...opts.mqtt, store, tokensFile: opts.tokensFile, limits, logger }).catch(
        async (err: unknown) => {
          await app.close();
          throw err;
        },
      )
    : undefined;
  return {
    url,
    app,
    ...(mqtt && { mqtt }),
    close: async () => {
      await mqtt?.stop();
      await app.close();
    },
  };
}

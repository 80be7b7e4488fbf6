/**
 * The alerting service: every `evaluation_interval` it evaluates the rules over recent readings (through
 * the readings Store, InfluxDB or SQLite), records the lifecycle and the notifications, and sends what is
 * due; between evaluations it retries failed deliveries; beside that, the API. The state file is opened
 * here and closed on stop; the readings Store belongs to the caller.
 */
import type { AddressInfo } from "node:net";
import type { Store } from "@jisr/core/store";
import type { FastifyInstance } from "fastify";
import { type Logger, pino } from "pino";
import { buildApp } from "./app.js";
import type { AlertingConfig, Language } from "./config/schema.js";
import type { Channel } from "./delivery/channels/channel.js";
import { EmailChannel } from "./delivery/channels/email.js";
import { MqttChannel } from "./delivery/channels/mqtt.js";
import { WebhookChannel } from "./delivery/channels/webhook.js";
import { Dispatcher } from "./delivery/dispatcher.js";
import type { RenderContext } from "./delivery/render.js";
import type { ChannelKind } from "./delivery/types.js";
import { type EvaluationReport, Evaluator } from "./evaluation.js";
import { StoreReadings } from "./readings/loader.js";
import { AlertStore } from "./store/alert-store.js";

export interface StartAlertingOptions {
  /** Where the readings are (the Store of @jisr/core): read only. */
  store: Store;
  config: AlertingConfig;
  logger?: Logger;
  /** Epoch ms; Date.now by default. Evaluations and the API use it. */
  clock?: () => number;
  /** Serve the API on config.api.host/port (default true). */
  api?: boolean;
  /** Evaluate and deliver on timers (default true); false leaves it to evaluateNow()/deliverNow(). */
  timers?: boolean;
  /** Channels used instead of those the config describes. */
  channels?: Partial<Record<ChannelKind, Channel>>;
}

export interface AlertingService {
  alerts: AlertStore;
  /** The API, when served; `url` is where it listens. */
  app?: FastifyInstance;
  url?: string;
  /** One evaluation now, then the due deliveries. */
  evaluateNow(): Promise<EvaluationReport>;
  /** Sends the due deliveries (first attempts and retries); resolves with how many were attempted. */
  deliverNow(): Promise<number>;
  /** Stops the timers, waits for work in flight, closes the API, the channels and the state file. */
  stop(): Promise<void>;
}

export function renderContextOf(config: AlertingConfig): RenderContext {
  const byId = new Map(config.institutions.map((i) => [i.id, i]));
  return {
    institutionName: (id: string, language: Language) =>
      byId.get(id)?.names[language] ?? byId.get(id)?.name ?? id,
    timeZone: config.timezone,
  };
}

function channelsOf(config: AlertingConfig, log: Logger): Partial<Record<ChannelKind, Channel>> {
  const d = config.delivery;
  return {
    webhook: new WebhookChannel({ timeoutMs: d.webhook_timeout, logger: log.child({ channel: "webhook" }) }),
    ...(d.smtp && { email: new EmailChannel(d.smtp, log.child({ channel: "email" })) }),
    ...(d.mqtt && { mqtt: new MqttChannel(d.mqtt, log.child({ channel: "mqtt" })) }),
  };
}

export async function startAlerting(opts: StartAlertingOptions): Promise<AlertingService> {
  const { config } = opts;
  const root = opts.logger ?? pino({ name: "jisr-alerting" });
  const log = root.child({ component: "alerting" });
  const clock = opts.clock ?? Date.now;
  const alerts = new AlertStore(config.state_file);
  const channels = opts.channels ?? channelsOf(config, root.child({ component: "delivery" }));
  const readings = new StoreReadings(opts.store, {
    fineSpanMs: config.readings.fine_span,
    shortSpanMs: config.readings.short_span,
    fineBucketMs: config.readings.fine_bucket,
    coarseBucketMs: config.readings.coarse_bucket,
    lateMs: config.readings.late_margin,
    logger: root.child({ component: "readings" }),
  });
  const evaluator = new Evaluator(config, alerts, readings, root.child({ component: "evaluation" }));
  const dispatcher = new Dispatcher({
    store: alerts,
    channels,
    render: renderContextOf(config),
    retry: {
      maxAttempts: config.delivery.max_attempts,
      initialMs: config.delivery.backoff_initial,
      maxMs: config.delivery.backoff_max,
    },
    clock,
    logger: root.child({ component: "dispatcher" }),
  });

  let evaluating: Promise<EvaluationReport> | undefined;
  const deliverNow = () => dispatcher.flush();
  const evaluateNow = (): Promise<EvaluationReport> => {
    evaluating ??= evaluator.run(clock()).finally(() => {
      evaluating = undefined;
    });
    const run = evaluating;
    return run.then(async (report) => {
      await deliverNow();
      return report;
    });
  };
  let stopped = false;
  // Timer work never throws: a failed evaluation is logged, and the next one tries again.
  const quietly = (what: string, work: () => Promise<unknown>) => () => {
    if (stopped) return;
    work().catch((err: unknown) => log.error({ err }, `${what} failed; trying again at the next tick`));
  };

  let server: { app: FastifyInstance; url: string } | undefined;
  if (opts.api !== false)
    server = await serveApi(config, alerts, clock, root).catch((err: unknown) => {
      alerts.close();
      throw err;
    });

  const timers: NodeJS.Timeout[] = [];
  if (opts.timers !== false) {
    timers.push(setInterval(quietly("Evaluation", evaluateNow), config.evaluation_interval));
    // Retries are due between evaluations; looking for them is one indexed query.
    const retryEvery = Math.max(1000, Math.min(config.delivery.backoff_initial, 15_000));
    timers.push(setInterval(quietly("Delivery", deliverNow), retryEvery));
    setImmediate(quietly("Evaluation", evaluateNow));
  }
  log.info(
    { institutions: config.institutions.length, recipients: config.recipients.length, url: server?.url },
    "Alerting started",
  );

  return {
    alerts,
    ...(server && { app: server.app, url: server.url }),
    evaluateNow,
    deliverNow,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const t of timers) clearInterval(t);
      await evaluating?.catch(() => undefined);
      await deliverNow().catch(() => undefined);
      await server?.app.close();
      await Promise.all(Object.values(channels).map((c) => c?.close()));
      alerts.close();
      log.info("Alerting stopped");
    },
  };
}

async function serveApi(config: AlertingConfig, alerts: AlertStore, clock: () => number, logger: Logger) {
  const app = await buildApp({
    alerts,
    tokens: config.api.tokens,
    inhibitRules: config.inhibit_rules,
    timeZone: config.timezone,
    clock,
    logger,
  });
  try {
    await app.listen({ host: config.api.host, port: config.api.port });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return { app, url: `http://${host}:${address.port}` };
}

/**
 * `jisr web serve`: the web page and its API over the readings store (InfluxDB or the demo's SQLite file),
 * the institutions file, the users file and, when alerting runs beside, the alerting service's API
 * (--alerting-url, with a token of its api.tokens issued with `jisr alerting token --on-behalf`).
 */
import { alertingClient } from "@jisr/alerting";
import { DEFAULT_INSTITUTIONS_FILE, loadInstitutions, loadInstitutionsFrom } from "@jisr/analytics";
import { deriveDirectory, loadInventory } from "@jisr/core/inventory";
import { addStoreOptions, DEFAULT_HTTP_LIMITS, openStore, storeOptionsSchema } from "@jisr/service-kit";
import { type Command, Option } from "commander";
import { pino } from "pino";
import { z } from "zod";
import { startWeb } from "../server.js";
import { type CliIo, group, parseOptions, type WebCliOptions } from "./common.js";

const schema = z
  .object({
    institutions: z.string().min(1),
    inventory: z.string().min(1).optional(),
    users: z.string().min(1),
    alertingUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    alertingToken: z.string().min(1).optional(),
    host: z.string().min(1),
    port: z.coerce.number().int().min(0).max(65535),
    secureCookies: z.enum(["auto", "yes", "no"]),
    trustProxy: z.boolean().default(false),
    logLevel: z.string(),
    headersTimeout: z.coerce.number().int().positive(),
    requestTimeout: z.coerce.number().int().positive(),
    keepAliveTimeout: z.coerce.number().int().positive(),
    idleTimeout: z.coerce.number().int().positive(),
    maxConnections: z.coerce.number().int().positive(),
  })
  .refine((o) => o.alertingUrl === undefined || o.alertingToken !== undefined, {
    message: "--alerting-url needs --alerting-token (JISR_ALERTING_TOKEN): `jisr alerting token --on-behalf`",
    path: ["alertingToken"],
  })
  .refine((o) => o.headersTimeout <= o.requestTimeout, {
    // Node refuses it; say so in the options' own terms.
    message: "--headers-timeout must not be longer than --request-timeout",
    path: ["headersTimeout"],
  });

export function registerServeCommand(program: Command, io: CliIo, opts: WebCliOptions): void {
  const command = group(program, "web", "the web page for people: programme, institutions, alerts, reports")
    .command("serve")
    .description("serve the web page and its API until stopped")
    .addOption(
      new Option("--institutions <file>", "institutions file (YAML)")
        .env("JISR_INSTITUTIONS_FILE")
        .default(DEFAULT_INSTITUTIONS_FILE),
    )
    .addOption(
      new Option("--inventory <dir>", "inventory folder (replaces --institutions)").env("JISR_INVENTORY"),
    )
    .addOption(
      new Option("--users <file>", "users file (YAML): `jisr user add`")
        .env("JISR_USERS_FILE")
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        "--alerting-url <url>",
        "the alerting service's API, for the alerts (e.g. http://alerting:8091)",
      ).env("JISR_ALERTING_URL"),
    )
    .addOption(
      new Option("--alerting-token <token>", "the page's token at the alerting API (issued --on-behalf)").env(
        "JISR_ALERTING_TOKEN",
      ),
    )
    .addOption(new Option("--host <host>", "address to listen on").env("JISR_WEB_HOST").default("127.0.0.1"))
    .addOption(new Option("--port <port>", "port (0: any free one)").env("JISR_WEB_PORT").default("8090"))
    .addOption(
      new Option(
        "--secure-cookies <when>",
        "mark the session cookie Secure (https); auto: yes unless listening on loopback without --trust-proxy",
      )
        .choices(["auto", "yes", "no"])
        .env("JISR_WEB_SECURE_COOKIES")
        .default("auto"),
    )
    .option("--trust-proxy", "behind a reverse proxy: take the client address from X-Forwarded-For")
    .addOption(
      new Option("--log-level <level>", "pino log level (stderr)").env("JISR_LOG_LEVEL").default("info"),
    );
  // The same names as `jisr ingest`'s (services/web/README.md, "Security"); in ms.
  const limitOptions: [string, string, string, number][] = [
    [
      "--headers-timeout <ms>",
      "time to receive a request's headers, then 408",
      "JISR_WEB_HEADERS_TIMEOUT",
      DEFAULT_HTTP_LIMITS.headersTimeoutMs,
    ],
    [
      "--request-timeout <ms>",
      "time to receive a whole request, body included, then 408",
      "JISR_WEB_REQUEST_TIMEOUT",
      DEFAULT_HTTP_LIMITS.requestTimeoutMs,
    ],
    [
      "--keep-alive-timeout <ms>",
      "how long a kept-alive connection waits for its next request",
      "JISR_WEB_KEEP_ALIVE_TIMEOUT",
      DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs,
    ],
    [
      "--idle-timeout <ms>",
      "a connection without any traffic for this long is closed",
      "JISR_WEB_IDLE_TIMEOUT",
      DEFAULT_HTTP_LIMITS.idleTimeoutMs,
    ],
    [
      "--max-connections <n>",
      "most HTTP connections open at once",
      "JISR_WEB_MAX_CONNECTIONS",
      DEFAULT_HTTP_LIMITS.maxConnections,
    ],
  ];
  for (const [flags, what, env, value] of limitOptions) {
    command.addOption(new Option(flags, what).env(env).default(String(value)));
  }
  addStoreOptions(command).action(async (raw: Record<string, unknown>, cmd: Command) => {
    const o = parseOptions(schema, raw, cmd);
    const storeOptions = parseOptions(storeOptionsSchema, raw, cmd);
    const log = pino({ name: "jisr-web", level: o.logLevel }, pino.destination(2));
    const institutions = loadInstitutionsFrom(o, loadInstitutions);
    // The inventory also names the devices as people call them ("Onduleur toiture nord").
    const inventoryNames =
      o.inventory !== undefined ? deriveDirectory(loadInventory(o.inventory)) : undefined;
    const store = openStore(storeOptions, log.child({ component: "store" }));
    // Not asked now: the page starts without the alerting service and says so where alerts show.
    const alerting =
      o.alertingUrl && o.alertingToken
        ? alertingClient({ url: o.alertingUrl, token: o.alertingToken })
        : undefined;
    const server = await startWeb({
      store,
      institutions,
      ...(inventoryNames ? { inventoryNames } : {}),
      usersFile: o.users,
      ...(alerting ? { alerting } : {}),
      host: o.host,
      port: o.port,
      ...(o.secureCookies === "auto" ? {} : { secureCookies: o.secureCookies === "yes" }),
      trustProxy: o.trustProxy,
      httpLimits: {
        headersTimeoutMs: o.headersTimeout,
        requestTimeoutMs: o.requestTimeout,
        keepAliveTimeoutMs: o.keepAliveTimeout,
        idleTimeoutMs: o.idleTimeout,
        maxConnections: o.maxConnections,
      },
      logger: log,
    });
    io.stdout.write(`Jisr web page: ${server.url}\n`);
    opts.onStarted?.(server);
    if (opts.waitForSignal === false) return;
    const signal = await new Promise<NodeJS.Signals>((r) => {
      process.once("SIGINT", r);
      process.once("SIGTERM", r);
    });
    log.info({ signal }, "Stopping");
    await server.close();
    await store.close();
  });
}

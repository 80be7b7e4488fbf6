/** `jisr demo`: the embedded default. See demo/run-demo.ts for what runs. */
import type { Command } from "commander";
import { Option } from "commander";
import { pino } from "pino";
import { z } from "zod";
import { DEMO_INSTITUTIONS } from "./demo/institutions.js";
import { formatLocal, localTimeToday } from "./demo/local-time.js";
import { startDemo } from "./demo/run-demo.js";
import { formatSnapshot, takeSnapshot } from "./demo/snapshot.js";

const TZ = "Africa/Casablanca";

const optionsSchema = z.object({
  speed: z.coerce.number().positive("must be a positive number").max(3600, "must be at most 3600"),
  start: z.string().regex(/^(now|\d{1,2}:\d{2})$/, 'must be "now" or a local time of day, HH:MM'),
  port: z.coerce.number().int().min(0).max(65_535),
  webPort: z.coerce.number().int().min(0).max(65_535),
  controlPort: z.coerce.number().int().min(0).max(65_535),
  every: z.coerce.number().positive("must be a positive number of seconds"),
  poll: z.coerce.number().positive("must be a positive number of seconds"),
  duration: z.coerce.number().min(0),
  dataDir: z.string().optional(),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
});

export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description(
      "run three simulated institutions end to end (simulated inverters → gateways → ingestion → embedded " +
        "SQLite store) and print each one's live power and energy; no server needed",
    )
    .option("--speed <n>", "sun clock speed: 60 = one sun hour per minute", "60")
    .option("--start <HH:MM|now>", `sun clock start, local time (${TZ}) today`, "09:00")
    .option("--port <port>", "port of the ingestion service (0 = any free port)", "0")
    .option("--web-port <port>", "port of the web page (0 = any free port)", "0")
    .option("--control-port <port>", "port of the fault control API, loopback (0 = any free port)", "0")
    .option("--every <seconds>", "print the table this often", "5")
    .option("--poll <seconds>", "how often each gateway reads its inverter", "2")
    .option("--duration <seconds>", "stop after this long (0 = run until Ctrl-C)", "0")
    .option(
      "--data-dir <dir>",
      "keep the store and tokens here (default: a temporary folder, removed on exit)",
    )
    .addOption(
      new Option("--log-level <level>", "log level of the services (logs go to stderr)")
        .choices(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
        .default("warn"),
    )
    .addHelpText(
      "after",
      `
Examples:
  jisr demo                               sunrise to sunset in about ten minutes
  jisr demo --speed 1 --start now         real time
  jisr demo --duration 30 --every 5       a short run, then exit`,
    )
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const parsed = optionsSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        command.error(`error: option --${String(issue?.path[0] ?? "")}: ${issue?.message}`, { exitCode: 2 });
        return;
      }
      await runDemoCommand(parsed.data);
    });
}

async function runDemoCommand(o: z.infer<typeof optionsSchema>): Promise<void> {
  const logger = pino({ name: "jisr-demo", level: o.logLevel }, pino.destination(2));
  const simStart = o.start === "now" ? Date.now() : localTimeToday(o.start, TZ);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const demo = await startDemo({
    speed: o.speed,
    simStart,
    port: o.port,
    webPort: o.webPort,
    controlPort: o.controlPort,
    pollMs: Math.round(o.poll * 1000),
    logger,
    ...(o.dataDir ? { dataDir: o.dataDir } : {}),
  });
  const startedAt = demo.simNow();
  out(`Jisr Solar demo: ${demo.sites.length} simulated institutions, sun clock ×${o.speed}`);
  out(`  ingestion service  ${demo.ingestionUrl}/api/v1/write   (health: ${demo.ingestionUrl}/readyz)`);
  out(`  embedded store     ${demo.storePath}`);
  out(`  web page           ${demo.web.url}   log in as:`);
  for (const u of demo.users) out(`      ${u.id.padEnd(18)} password ${u.password.padEnd(18)} (${u.role})`);
  for (const site of demo.sites) {
    out(
      `  ${site.institution.id.padEnd(32)} inverter ${site.institution.kwp} kWp on Modbus TCP 127.0.0.1:${site.inverter.port}`,
    );
  }
  const example = `${demo.sites[0]?.institution.id ?? "INSTITUTION"}/inverter-1`;
  out(`  fault control      ${demo.control.url}   break a device, watch the alert on the page:`);
  out(`      npx jisr sim fault --control ${demo.control.url} ${example} trip`);
  out(`      npx jisr sim fault --control ${demo.control.url} ${example} --clear`);
  out(`      npx jisr sim fault --control ${demo.control.url}            (every device and its faults)`);
  out("Press Ctrl-C to stop.\n");

  let stopping = false;
  const print = async () => {
    const rows = await takeSnapshot(demo.store, DEMO_INSTITUTIONS, startedAt, demo.simNow());
    out(`sun clock ${formatLocal(demo.simNow(), TZ)} (${TZ})   wall clock ${formatLocal(Date.now(), TZ)}`);
    out(`${formatSnapshot(rows)}\n`);
  };
  const timer = setInterval(() => {
    if (!stopping) print().catch((err: unknown) => logger.error({ err }, "Could not read the store"));
  }, o.every * 1000);
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    await print().catch(() => undefined);
    out(`Stopping (${why})…`);
    await demo.stop();
    out("Stopped.");
  };
  await new Promise<void>((resolve) => {
    const done = (why: string) => {
      stop(why).then(resolve, (err: unknown) => {
        logger.error({ err }, "Stop failed");
        resolve();
      });
    };
    process.once("SIGINT", () => done("Ctrl-C"));
    process.once("SIGTERM", () => done("SIGTERM"));
    if (o.duration > 0) setTimeout(() => done(`--duration ${o.duration} s`), o.duration * 1000);
  });
}

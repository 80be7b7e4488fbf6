/** `jisr sim fleet --sites N`: N simulated sites posting to an ingestion service (see fleet.ts). */
import type { Command } from "commander";
import { pino } from "pino";
import { z } from "zod";
import { makeFleet, percentile, runFleet } from "./fleet.js";

const optionsSchema = z.object({
  sites: z.coerce.number().int().min(1).max(100_000),
  url: z.url({ protocol: /^https?$/ }),
  tokens: z.string().min(1),
  seconds: z.coerce.number().positive(),
  periodMs: z.coerce.number().int().min(100),
  timeScale: z.coerce.number().positive(),
});

export function registerFleetCommand(sim: Command): void {
  sim
    .command("fleet")
    .description(
      "simulate N sites, each with its own token (written to --tokens), posting 5 points / 50 fields every " +
        "10 s over HTTP keep-alive to an ingestion service: 2 PV inverters on core's sun model, a grid meter, " +
        "solar hot water, the gateway's status",
    )
    .requiredOption("--sites <n>", "number of sites")
    .requiredOption("--tokens <file>", "tokens file to write (start `jisr ingest --tokens <file>` on it)")
    .option("--url <url>", "ingestion service", "http://127.0.0.1:8080")
    .option("--seconds <s>", "how long to run", "60")
    .option("--period-ms <ms>", "wall ms between two posts of a site", "10000")
    .option("--time-scale <x>", "simulated seconds per wall second (60: a day in 24 minutes)", "1")
    .option("--tokens-only", "write the tokens file and stop")
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const parsed = optionsSchema.safeParse(raw);
      if (!parsed.success) command.error(`invalid options: ${z.prettifyError(parsed.error)}`);
      const o = parsed.data as z.output<typeof optionsSchema>;
      const log = pino({ name: "jisr-sim-fleet" });
      const sites = makeFleet(o.sites, o.tokens, o.periodMs);
      log.info({ sites: o.sites, tokens: o.tokens }, "Tokens written");
      if (raw.tokensOnly) return;
      const r = await runFleet({
        url: o.url,
        sites,
        periodMs: o.periodMs,
        durationMs: o.seconds * 1000,
        timeScale: o.timeScale,
      });
      const lat = r.latencies.sort((a, b) => a - b);
      log.info(
        {
          batches: r.offered,
          stored: r.ok,
          errors: r.errors,
          points_per_s: Math.round((r.ok * 5) / r.wallSeconds),
          latency_ms: { p50: percentile(lat, 0.5), p95: percentile(lat, 0.95), p99: percentile(lat, 0.99) },
        },
        "Fleet run done",
      );
    });
}

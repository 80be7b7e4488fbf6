/**
 * The embedded default, end to end with real parts and no external server: per institution a simulated
 * SunSpec inverter (Modbus TCP on loopback) and a gateway polling it; one ingestion service (HTTP, tokens)
 * writing into an embedded SQLite store. What the demo prints is read back from that store, so it shows
 * the whole data path working.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SqliteStore } from "@jisr/core/store/sqlite-store";
import type { Store } from "@jisr/core/store/types";
import { parseGatewayConfig } from "@jisr/gateway/config/load";
import { type GatewayHandle, runGateway } from "@jisr/gateway/run/gateway";
import { addToken, type IngestionServer, startIngestion } from "@jisr/ingestion";
import { type SunspecInverterHandle, startSunspecInverter } from "@jisr/simulators";
import type { Logger } from "pino";
import { DEMO_INSTITUTIONS, type DemoInstitution } from "./institutions.js";

export interface DemoOptions {
  /** Sim clock speed: 60 = one sun hour per wall minute. */
  speed: number;
  /** Sim instant at start (epoch ms, UTC). */
  simStart: number;
  /** Ingestion port; 0 picks a free one. */
  port: number;
  /** Keep the store and tokens here; default a temporary folder removed on stop. */
  dataDir?: string;
  /** How often each gateway polls its inverter, ms. */
  pollMs: number;
  logger: Logger;
  institutions?: readonly DemoInstitution[];
}

export interface DemoSite {
  institution: DemoInstitution;
  inverter: SunspecInverterHandle;
  gateway: GatewayHandle;
}

export interface DemoHandle {
  ingestionUrl: string;
  storePath: string;
  store: Store;
  sites: DemoSite[];
  /** Sim clock of the first inverter (all share the same start and speed). */
  simNow(): number;
  stop(): Promise<void>;
}

export async function startDemo(opts: DemoOptions): Promise<DemoHandle> {
  const dir = opts.dataDir ? resolve(opts.dataDir) : mkdtempSync(join(tmpdir(), "jisr-demo-"));
  mkdirSync(dir, { recursive: true });
  const storePath = join(dir, "store.sqlite");
  const tokensFile = join(dir, "tokens.json");
  const store = new SqliteStore({ path: storePath, logger: opts.logger.child({ component: "store" }) });
  const cleanups: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  };
  try {
    await store.init();
    cleanups.push(() => store.close());
    if (!opts.dataDir) cleanups.unshift(() => rmSync(dir, { recursive: true, force: true }));
    const institutions = opts.institutions ?? DEMO_INSTITUTIONS;
    const tokens = new Map<string, string>();
    for (const inst of institutions)
      tokens.set(inst.id, (await addToken(tokensFile, inst.id, { note: "demo" })).token);
    const ingestion: IngestionServer = await startIngestion({
      store,
      tokensFile,
      host: "127.0.0.1",
      port: opts.port,
      logger: opts.logger.child({ component: "ingestion" }),
    });
    cleanups.push(() => ingestion.close());
    const sites: DemoSite[] = [];
    for (const [i, institution] of institutions.entries()) {
      const inverter = await startSunspecInverter({
        port: 0,
        unit: 1,
        kwp: institution.kwp,
        speed: opts.speed,
        start: new Date(opts.simStart),
        seed: i + 1,
        logger: opts.logger.child({ component: "simulator", institution: institution.id }),
      });
      cleanups.push(() => inverter.close());
      const gatewayDir = join(dir, `gateway-${institution.id}`);
      const yaml = gatewayYaml(institution, ingestion.url, inverter.port, opts.pollMs, gatewayDir);
      const config = parseGatewayConfig(yaml, {
        env: { JISR_GATEWAY_TOKEN: tokens.get(institution.id) ?? "" },
        source: `(demo ${institution.id})`,
      });
      const gateway = await runGateway(config, {
        logger: opts.logger.child({ institution: institution.id }),
      });
      cleanups.push(() => gateway.stop());
      sites.push({ institution, inverter, gateway });
    }
    const first = sites[0]?.inverter;
    return {
      ingestionUrl: ingestion.url,
      storePath,
      store,
      sites,
      simNow: () => first?.state.simAt ?? opts.simStart,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The gateway's configuration, written as a user would write it, and parsed by the same loader. */
function gatewayYaml(
  inst: DemoInstitution,
  url: string,
  port: number,
  pollMs: number,
  dataDir: string,
): string {
  return `
institution: ${inst.id}
gateway_id: gateway-${inst.id}
data_dir: ${JSON.stringify(dataDir)}
uplink:
  url: ${url}
  flush_interval: 1s
devices:
  - id: inverter-1
    profile: sunspec
    host: 127.0.0.1
    port: ${port}
    unit: 1
    interval: ${pollMs}ms
`;
}

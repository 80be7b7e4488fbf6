/**
 * The embedded default, end to end with real parts and no external server: per institution a simulated
 * SunSpec inverter (Modbus TCP on loopback) and a gateway polling it; one ingestion service (HTTP, tokens)
 * writing into an embedded SQLite store. What the demo prints is read back from that store, so it shows
 * the whole data path working.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type AlertingService, alertingClient, parseAlertingConfig, startAlerting } from "@jisr/alerting";
import { type AnalyticsScheduler, institutionsFromInventory, startAnalyticsScheduler } from "@jisr/analytics";
import type { Store } from "@jisr/core/store";
import { SqliteStore } from "@jisr/core/store";
import { type GatewayHandle, parseGatewayConfig, runGateway } from "@jisr/gateway";
import { addToken, type IngestionServer, startIngestion } from "@jisr/ingestion";
import { generateToken, hashToken } from "@jisr/service-kit";
import {
  butaneBackedSolarWaterHeater,
  type ControlServer,
  createSimClock,
  gridMeterGenerator,
  inverterTarget,
  type ProfileDeviceHandle,
  profileDeviceTarget,
  type SimClock,
  type SunspecInverterHandle,
  solarWaterHeaterGenerator,
  startControlServer,
  startProfileDevice,
  startSunspecInverter,
} from "@jisr/simulators";
import { addUser, startWeb, type WebServer } from "@jisr/web";
import type { Logger } from "pino";
import { DEMO_INSTITUTIONS, DEMO_INVENTORY, type DemoInstitution } from "./institutions.js";

export interface DemoOptions {
  /** Sim clock speed: 60 = one sun hour per wall minute. */
  speed: number;
  /** Sim instant at start (epoch ms, UTC). */
  simStart: number;
  /** Ingestion port; 0 picks a free one. */
  port: number;
  /** Port of the web page; 0 picks a free one. */
  webPort?: number;
  /** Port of the fault control API (loopback); 0 (the default) picks a free one. */
  controlPort?: number;
  /** Keep the store and tokens here; default a temporary folder removed on stop. */
  dataDir?: string;
  /** How often each gateway polls its inverter, ms. */
  pollMs: number;
  logger: Logger;
  institutions?: readonly DemoInstitution[];
  /** How often the analytics job runs, wall ms (default 15 s; tests ask for less to see results sooner). */
  analyticsEveryMs?: number;
}

export interface DemoSite {
  institution: DemoInstitution;
  inverter: SunspecInverterHandle;
  gridMeter: ProfileDeviceHandle;
  waterHeater: ProfileDeviceHandle;
  gateway: GatewayHandle;
}

export interface DemoHandle {
  ingestionUrl: string;
  storePath: string;
  store: Store;
  sites: DemoSite[];
  /**
   * The sun clock. Gateways stamp readings with it and the analytics job counts days on it, so a demo day
   * of data passes in 24 minutes at speed 60 (the printed "sun clock" says so).
   */
  clock: SimClock;
  simNow(): number;
  /** The wall instant at which the sun clock showed `simMs`. */
  wallOf(simMs: number): number;
  analytics: AnalyticsScheduler;
  /** The alert rules watching the simulated sites (no recipients: the page shows the alerts). */
  alerting: AlertingService;
  /** The web page for people, and who may log in to it. */
  web: WebServer;
  users: ReadonlyArray<{ id: string; role: string; password: string }>;
  /**
   * Breaks and repairs the simulated devices on command (`jisr sim fault --control URL`), so a technician
   * can watch an alert rise and resolve. Device ids are `institution/device`, as the gateways name them.
   */
  control: ControlServer;
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
    const clock = createSimClock({ start: new Date(opts.simStart), speed: opts.speed });
    const sites: DemoSite[] = [];
    for (const [i, institution] of institutions.entries()) {
      const simLog = opts.logger.child({ component: "simulator", institution: institution.id });
      const sim = { speed: opts.speed, start: new Date(clock.now()), seed: i + 1, logger: simLog };
      const inverter = await startSunspecInverter({ port: 0, unit: 1, kwp: institution.kwp, ...sim });
      cleanups.push(() => inverter.close());
      const gridMeter = await startProfileDevice({
        profile: "eastron-sdm630",
        generator: gridMeterGenerator(institution.kwp, i + 1),
        ...sim,
      });
      cleanups.push(() => gridMeter.close());
      const waterHeater = await startProfileDevice({
        profile: "generic-solar-controller",
        generator: institution.backup
          ? solarWaterHeaterGenerator(butaneBackedSolarWaterHeater(institution.backup.burnerKw, i + 1))
          : "solar-water-heater",
        ...sim,
      });
      cleanups.push(() => waterHeater.close());
      const ports = { inverter: inverter.port, grid: gridMeter.port, swh: waterHeater.port };
      const gatewayDir = join(dir, `gateway-${institution.id}`);
      const yaml = gatewayYaml(institution, ingestion.url, ports, opts.pollMs, gatewayDir, opts.speed);
      const config = parseGatewayConfig(yaml, {
        env: { JISR_GATEWAY_TOKEN: tokens.get(institution.id) ?? "" },
        source: `(demo ${institution.id})`,
      });
      const gateway = await runGateway(config, {
        logger: opts.logger.child({ institution: institution.id }),
        clock: clock.now,
      });
      cleanups.push(() => gateway.stop());
      sites.push({ institution, inverter, gridMeter, waterHeater, gateway });
    }
    const control = await startControlServer({
      targets: sites.flatMap((site) => [
        inverterTarget(`${site.institution.id}/inverter-1`, site.inverter),
        profileDeviceTarget(`${site.institution.id}/grid-meter-1`, site.gridMeter),
        profileDeviceTarget(`${site.institution.id}/swh-1`, site.waterHeater),
      ]),
      port: opts.controlPort ?? 0,
      logger: opts.logger,
    });
    cleanups.push(() => control.close());
    const institutionsConfig = institutionsFromInventory(DEMO_INVENTORY);
    const analytics = startAnalyticsScheduler({
      store,
      institutions: institutionsConfig,
      logger: opts.logger.child({ component: "analytics" }),
      everyMs: opts.analyticsEveryMs ?? 15_000,
      windowDays: 2,
      now: clock.now,
    });
    cleanups.push(() => analytics.stop());
    // The page reads and acknowledges alerts through the alerting API (on loopback), as in production.
    const webToken = generateToken();
    const alertingConfig = parseAlertingConfig(alertingYaml(institutions, opts.speed, opts.pollMs), {
      source: "(demo)",
      baseDir: dir,
    });
    const alerting = await startAlerting({
      store,
      config: {
        ...alertingConfig,
        api: {
          host: "127.0.0.1",
          port: 0,
          tokens: [
            {
              id: "tok_0000de00",
              user: "web",
              sha256: hashToken(webToken),
              institutions: ["*"],
              on_behalf: true,
            },
          ],
        },
      },
      logger: opts.logger.child({ component: "alerting" }),
      clock: clock.now,
    });
    cleanups.push(() => alerting.stop());
    const usersFile = join(dir, "users.yaml");
    for (const { institutions, ...user } of DEMO_USERS) {
      await addUser(
        usersFile,
        { ...user, ...(institutions && { institutions: [...institutions] }) },
        { replace: true },
      );
    }
    const web = await startWeb({
      store,
      institutions: institutionsConfig,
      usersFile,
      alerting: alertingClient({ url: alerting.url as string, token: webToken }),
      clock: clock.now,
      // Sessions and login limits on the wall clock: the sun clock runs `speed` times faster.
      securityClock: Date.now,
      port: opts.webPort ?? 0,
      secureCookies: false,
    });
    cleanups.push(() => web.close());
    return {
      alerting,
      control,
      web,
      users: DEMO_USERS,
      ingestionUrl: ingestion.url,
      storePath,
      store,
      sites,
      clock,
      simNow: clock.now,
      wallOf: (simMs) => clock.wallStart + (simMs - clock.simStart) / clock.speed,
      analytics,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Who may log in to the demo's web page: one user per role. Demo passwords, printed at start. */
const DEMO_USERS: ReadonlyArray<{
  id: string;
  name: string;
  role: "ministry" | "manager" | "technician";
  institutions?: readonly string[];
  password: string;
}> = [
  { id: "ministere", name: "Ministère (démo)", role: "ministry", password: "demo-ministere" },
  {
    id: "directrice-foyer",
    name: "Directrice du foyer (démo)",
    role: "manager",
    institutions: ["foyer-ben-guerir"],
    password: "demo-directrice",
  },
  {
    id: "technicien",
    name: "Technicien (démo)",
    role: "technician",
    institutions: DEMO_INSTITUTIONS.map((i) => i.id),
    password: "demo-technicien",
  },
];

/** The alerting configuration of the demo sites, parsed by the same loader as a user's file. */
function alertingYaml(institutions: readonly DemoInstitution[], speed: number, pollMs: number): string {
  const sites = institutions.map(
    (inst) => `
  - id: ${inst.id}
    name: ${JSON.stringify(inst.name)}
    site:
      gateways: [gateway-${inst.id}]
      inverters:
        inverter-1: { kwp: ${inst.kwp} }
      solar_water_heaters:
        swh-1: {}`,
  );
  // The silence rules count sun minutes; a faster sun makes each health beat and each poll longer in sun
  // time, so their thresholds grow with it: 15 missed beats, as on a real site (capped at a day).
  const sunMinutes = (wallMs: number) => (wallMs * speed) / 60_000;
  const silentAfter = (beatWallMs: number, floorMin: number) =>
    Math.min(24 * 60, Math.max(floorMin, Math.ceil(15 * sunMinutes(beatWallMs))));
  // Every 5 wall seconds (5 sun minutes at speed 60): an injected fault shows on the page within seconds.
  return `state_file: alerting.sqlite
evaluation_interval: 5s
rules:
  site_silent: { after_min: ${silentAfter(healthIntervalMs(speed), 15)} }
  device_silent: { after_min: ${silentAfter(pollMs, 30)} }
institutions:${sites.join("")}
recipients: []
`;
}

/**
 * Health every sun minute, as a real gateway reports every wall minute: the alert rules judge silence on
 * the sun clock, and at speed 60 a wall-minute report would look like an hour of silence. Not under a
 * second of wall time, the gateway's minimum.
 */
function healthIntervalMs(speed: number): number {
  return Math.max(1000, Math.round(60_000 / speed));
}

/** The gateway's configuration, written as a user would write it, and parsed by the same loader. */
function gatewayYaml(
  inst: DemoInstitution,
  url: string,
  ports: { inverter: number; grid: number; swh: number },
  pollMs: number,
  dataDir: string,
  speed: number,
): string {
  const healthMs = healthIntervalMs(speed);
  return `
institution: ${inst.id}
gateway_id: gateway-${inst.id}
data_dir: ${JSON.stringify(dataDir)}
health:
  interval: ${healthMs}ms
uplink:
  url: ${url}
  flush_interval: 1s
devices:
  - id: inverter-1
    profile: sunspec
    host: 127.0.0.1
    port: ${ports.inverter}
    interval: ${pollMs}ms
  - id: grid-meter-1
    profile: eastron-sdm630
    host: 127.0.0.1
    port: ${ports.grid}
    interval: ${pollMs}ms
  - id: swh-1
    profile: generic-solar-controller
    host: 127.0.0.1
    port: ${ports.swh}
    interval: ${pollMs}ms
`;
}

/**
 * Every top-level `jisr` command: its name, the one-line description `jisr --help` shows, and where its
 * code lives. Only the module of the command being run is loaded, so `jisr --version` and
 * `jisr gateway --help` do not load InfluxDB clients, Fastify, PDF fonts or the MQTT stack.
 * A test (commands.test.ts) checks that each description equals the one the module registers.
 */
import type { Command } from "commander";

export type Register = (program: Command) => void;

export interface CommandEntry {
  name: string;
  description: string;
  /** Registers this command (and, for some modules, its siblings) on the program. */
  load: () => Promise<Register>;
}

// These modules only register their commands (commander and help texts); each action imports its work
// (zod, the Modbus and MQTT stacks, the config loader) when it runs. gateway/src/cli-help.test.ts checks it.
const gateway = async (): Promise<Register> => {
  const [read, scan, run, status, install] = await Promise.all([
    import("@jisr/gateway/cli-read"),
    import("@jisr/gateway/cli-scan"),
    import("@jisr/gateway/cli-run"),
    import("@jisr/gateway/cli-status"),
    import("@jisr/gateway/cli-install"),
  ]);
  return (program) => {
    const cmd = program
      .command("gateway")
      .description("the edge gateway: read devices, run the polling loop");
    read.registerGatewayReadCommand(cmd);
    scan.registerGatewayScanCommand(cmd);
    run.registerGatewayRunCommand(cmd);
    status.registerGatewayStatusCommand(cmd);
    install.registerGatewayInstallCommand(cmd);
  };
};
const analytics = async (): Promise<Register> =>
  (await import("@jisr/analytics/cli")).registerAnalyticsCommands;
const ingestion = async (): Promise<Register> => (await import("@jisr/ingestion/cli")).registerIngestCommands;
const web = async (): Promise<Register> => (await import("@jisr/web/cli")).registerWebCommands;

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "demo",
    description:
      "run three simulated institutions end to end (simulated inverters → gateways → ingestion → embedded " +
      "SQLite store) and print each one's live power and energy; no server needed",
    load: async () => (await import("./demo-command.js")).registerDemoCommand,
  },
  {
    name: "sim",
    description: "simulated devices served over real protocols, for demos and tests",
    load: async () => (await import("@jisr/simulators/cli")).registerSimCommands,
  },
  { name: "gateway", description: "the edge gateway: read devices, run the polling loop", load: gateway },
  {
    name: "profile",
    description: "device profiles (register maps as data): check a new one, list the built-in ones",
    load: async () => (await import("@jisr/gateway/cli-profile")).registerProfileCommands,
  },
  {
    name: "ingest",
    description:
      "run the ingestion service: authenticated HTTP (and optionally MQTT) writes of readings into InfluxDB",
    load: ingestion,
  },
  {
    name: "token",
    description: "issue and list the tokens that senders (gateways) use to write to the ingestion service",
    load: ingestion,
  },
  {
    name: "ingest-quarantine",
    description:
      "MQTT ingestion: batches kept in quarantine (token missing, unknown or another institution's) and points refused for good",
    load: ingestion,
  },
  {
    name: "savings",
    description: "what the sun saved one institution in a month: both bills line by line, and the savings",
    load: analytics,
  },
  { name: "analytics", description: "compute and store the daily and monthly results", load: analytics },
  { name: "tariff", description: "electricity tariff files", load: analytics },
  {
    name: "bill",
    description: "electricity bills as the utility printed them: record, import, list, reconcile",
    load: analytics,
  },
  { name: "influx", description: "InfluxDB set-up: retention policies and downsampling", load: analytics },
  {
    name: "alerting",
    description: "alerts technicians can act on: rules over the readings, e-mail/webhook/MQTT, an HTTP API",
    load: async () => (await import("@jisr/alerting/cli")).registerAlertingCommands,
  },
  {
    name: "report",
    description: "savings report of the programme or one institution for a month, quarter or year",
    load: async () => (await import("@jisr/reports/cli")).registerReportCommands,
  },
  {
    name: "web",
    description: "the web page for people: programme, institutions, alerts, reports",
    load: web,
  },
  { name: "user", description: "people who may log in to the web page", load: web },
  { name: "grafana", description: "Grafana set-up", load: web },
  {
    name: "inventory",
    description:
      "the inventory, one file per institution: check it, add an institution, provision its gateway",
    load: async () => (await import("./inventory/command.js")).registerInventoryCommands,
  },
];

/**
 * Examples for the `--help` of the commands whose own module does not (yet) show any. They live here,
 * applied by path after the modules have registered their commands, because those modules are being
 * changed by others at the same time; once a module shows its own "Examples:", its entry here must go
 * (help.test.ts fails on a command that shows two sections, and on an entry naming no command).
 */
import type { Command } from "commander";

/** Command path (without "jisr") → example lines, each a full command a user can type. */
export const HELP_EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  sim: [
    "jisr sim inverter --port 5020                       a SunSpec inverter on Modbus TCP",
    "jisr sim fault --control http://127.0.0.1:5099      list the devices and their faults",
  ],
  "sim fleet": [
    "jisr sim fleet --sites 40 --tokens /tmp/fleet-tokens.json --tokens-only",
    "jisr sim fleet --sites 40 --tokens /tmp/fleet-tokens.json --url http://127.0.0.1:8080 --seconds 120",
  ],
  gateway: [
    "jisr gateway read --host 192.168.1.50 --port 502        what does this inverter answer?",
    "jisr gateway check-config --config /etc/jisr/gateway.yaml",
    "jisr gateway run --config /etc/jisr/gateway.yaml",
  ],
  profile: [
    "jisr profile list",
    "jisr profile check my-inverter.yaml",
    "jisr profile schema > profile.schema.json",
  ],
  "profile schema": [
    "jisr profile schema > profile.schema.json           then, at the top of a profile:",
    "    # yaml-language-server: $schema=./profile.schema.json",
  ],
  token: [
    "jisr token new --tokens /etc/jisr/tokens.json --institution foyer-ben-guerir",
    "jisr token list --tokens /etc/jisr/tokens.json",
  ],
  "ingest-quarantine": [
    "jisr ingest-quarantine list --state /var/lib/jisr/ingest-mqtt.sqlite",
    "jisr ingest-quarantine rejected --state /var/lib/jisr/ingest-mqtt.sqlite --limit 20",
  ],
  "ingest-quarantine list": [
    "jisr ingest-quarantine list --state /var/lib/jisr/ingest-mqtt.sqlite",
    "jisr ingest-quarantine list --institution foyer-ben-guerir --gateway gateway --json",
  ],
  "ingest-quarantine rejected": [
    "jisr ingest-quarantine rejected --state /var/lib/jisr/ingest-mqtt.sqlite",
    "jisr ingest-quarantine rejected --institution foyer-ben-guerir --limit 10 --json",
  ],
  savings: [
    "jisr savings --institution foyer-ben-guerir --month 2026-11 --influx-url http://127.0.0.1:8086",
    "jisr savings --institution foyer-ben-guerir --month 2026-11 --lang ar --sqlite jisr-demo/readings.sqlite",
    "jisr savings --institution foyer-ben-guerir --month 2026-11 --json | jq .savings",
  ],
  "analytics run": [
    "jisr analytics run --from 2026-11-01 --to 2026-11-30 --influx-url http://127.0.0.1:8086",
    "jisr analytics run --from 2026-11-20 --to 2026-11-20 --institution foyer-ben-guerir --sqlite jisr-demo/readings.sqlite",
  ],
  "analytics serve": [
    "jisr analytics serve --influx-url http://127.0.0.1:8086",
    "jisr analytics serve --every 1m --window-days 3 --sqlite jisr-demo/readings.sqlite",
  ],
  analytics: [
    "jisr analytics run --from 2026-11-01 --to 2026-11-30 --influx-url http://127.0.0.1:8086",
    "jisr analytics serve --every 5m --influx-url http://127.0.0.1:8086",
  ],
  tariff: [
    "jisr tariff check services/analytics/tariffs/srm-bt-domestic.yaml",
    "jisr tariff fit --institution foyer-ben-guerir",
  ],
  "tariff check": [
    "jisr tariff check services/analytics/tariffs/srm-bt-domestic.yaml",
    "jisr tariff check /etc/jisr/tariffs/my-tariff.yaml",
  ],
  "tariff fit": [
    "jisr tariff fit --institution foyer-ben-guerir",
    "jisr tariff fit --institution foyer-ben-guerir --tolerance 0.5 --top 3 --json",
  ],
  bill: [
    "jisr bill import bills-2026.csv --dry-run",
    "jisr bill list --institution foyer-ben-guerir",
    "jisr bill reconcile --help",
  ],
  "bill reconcile": [
    "jisr bill reconcile --institution foyer-ben-guerir --influx-url http://127.0.0.1:8086",
    "jisr bill reconcile --institution foyer-ben-guerir --lang fr --tolerances tolerances.yaml --json",
  ],
  "bill import": ["jisr bill import bills-2026.csv --dry-run", "jisr bill import bills-2026.csv"],
  "bill list": [
    "jisr bill list --institution foyer-ben-guerir",
    "jisr bill list --institution foyer-ben-guerir --all --json --bills-dir /var/lib/jisr/bills",
  ],
  influx: [
    "jisr influx doctor --influx-url http://127.0.0.1:8086",
    "jisr influx setup --dry-run --influx-url http://127.0.0.1:8086",
  ],
  "influx setup": [
    "jisr influx setup --dry-run --influx-url http://127.0.0.1:8086      what would be created",
    "jisr influx setup --influx-url http://127.0.0.1:8086 --config downsampling.yaml",
  ],
  "influx downsample": [
    "jisr influx downsample --from 2026-11-01 --to 2026-11-30 --influx-url http://127.0.0.1:8086",
  ],
  alerting: [
    "jisr alerting check --config /etc/jisr/alerting.yaml",
    "jisr alerting run --config /etc/jisr/alerting.yaml --influx-url http://127.0.0.1:8086",
  ],
  "alerting check": [
    "jisr alerting check --config /etc/jisr/alerting.yaml",
    "JISR_ALERTING_CONFIG=alerting.yaml jisr alerting check",
  ],
  "alerting token": [
    'jisr alerting token --user "Karim Benali" --institutions foyer-ben-guerir',
    "jisr alerting token --user web --on-behalf        the web page's token, for all institutions",
  ],
  web: [
    "jisr web serve --users /etc/jisr/users.yaml --institutions /etc/jisr/institutions.yaml \\",
    "    --influx-url http://127.0.0.1:8086 --alerting-url http://127.0.0.1:8091 --port 8090",
  ],
  "web serve": [
    "jisr web serve --users /etc/jisr/users.yaml --institutions /etc/jisr/institutions.yaml \\",
    "    --influx-url http://127.0.0.1:8086 --alerting-url http://127.0.0.1:8091 --port 8090",
    "jisr web serve --users users.yaml --institutions institutions.yaml --sqlite jisr-demo/readings.sqlite",
  ],
  user: [
    'jisr user add --users /etc/jisr/users.yaml --id salma --name "Salma Idrissi" --role ministry',
    'jisr user token --users /etc/jisr/users.yaml --id salma --note "monthly export"',
  ],
  "user add": [
    'jisr user add --users /etc/jisr/users.yaml --id salma --name "Salma Idrissi" --role ministry',
    'jisr user add --users /etc/jisr/users.yaml --id karim --name "Karim Benali" --role manager \\',
    "    --institution foyer-ben-guerir --language ar          asks for the password twice",
  ],
  "user token": ['jisr user token --users /etc/jisr/users.yaml --id karim --note "monthly export"'],
  grafana: ["jisr grafana isolation --institutions /etc/jisr/institutions.yaml --out grafana-isolation"],
  "grafana isolation": [
    "jisr grafana isolation --institutions /etc/jisr/institutions.yaml --out grafana-isolation",
    "jisr grafana isolation --institutions institutions.yaml --users users.yaml --out /etc/jisr/grafana",
  ],
};

/** The section as help shows it. */
export function examplesSection(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join("\n")}`;
}

/** "gateway run" for `jisr gateway run`. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/**
 * Adds the table's examples to every registered command (at any depth) that has an entry. Stand-ins
 * (commands described but not loaded) have no subcommands and get their entry too, which costs nothing:
 * the text is only formatted when help is shown.
 */
export function applyHelpExamples(program: Command, table = HELP_EXAMPLES): void {
  const visit = (command: Command) => {
    const lines = table[commandPath(command)];
    if (lines) command.addHelpText("after", examplesSection(lines));
    for (const sub of command.commands) visit(sub as Command);
  };
  for (const sub of program.commands) visit(sub as Command);
}

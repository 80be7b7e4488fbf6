/** The config file: the shipped example loads, and mistakes are reported all at once, by path. */
import { join } from "node:path";
import { ValidationError } from "@jisr/core/errors";
import { generateToken, hashToken } from "@jisr/service-kit";
import { describe, expect, it } from "vitest";
import { loadAlertingConfig, parseAlertingConfig } from "./load.js";
import { timingFor } from "./timing.js";

const EXAMPLE = join(import.meta.dirname, "../../alerting.example.yaml");
const env = { JISR_SMTP_PASSWORD: "s3cret" };

function problems(text: string, e: Record<string, string> = env): string[] {
  try {
    parseAlertingConfig(text, { env: e, baseDir: "/srv/jisr" });
  } catch (err) {
    if (err instanceof ValidationError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

const MINIMAL = `
institutions:
  - { id: ehpad-ben-guerir, name: EHPAD Ben Guerir }
`;

describe("alerting.example.yaml", () => {
  it("loads, with its secrets from the environment and its paths next to it", () => {
    const config = loadAlertingConfig(EXAMPLE, { env });
    expect(config.institutions.map((i) => i.id)).toEqual(["ehpad-ben-guerir", "orphelinat-sidi-bennour"]);
    expect(config.institutions[0]?.names.ar).toBe("دار المسنين بن جرير");
    expect(config.institutions[0]?.site.inverters["inv-1"]).toMatchObject({
      kwp: 10,
      inputs: { "1": 5, "2": 5 },
    });
    expect(config.recipients.map((r) => [r.id, r.language, r.min_severity])).toEqual([
      ["tech-ahmed", "ar", "info"],
      ["tech-salma", "fr", "major"],
      ["ticketing", "en", "info"],
    ]);
    expect(config.delivery.smtp).toMatchObject({ host: "smtp.example.ma", port: 587, password: "s3cret" });
    expect(config.state_file).toBe(join(import.meta.dirname, "../../alerting.sqlite"));
    expect(config.evaluation_interval).toBe(60_000);
    const timing = timingFor(config.timings);
    expect(timing("inverter_fault")).toEqual({
      forMs: 120_000,
      keepFiringForMs: 600_000,
      repeatIntervalMs: 4 * 3_600_000,
    });
    expect(timing("pv_soiling")).toEqual({ forMs: 0, keepFiringForMs: 0, repeatIntervalMs: 7 * 86_400_000 });
    expect(timing("swh_tank_cold")).toEqual({
      forMs: 600_000,
      keepFiringForMs: 1_800_000,
      repeatIntervalMs: 4 * 3_600_000,
    });
    expect(config.rules.pv_underperformance.major_below_pct).toBe(60);
  });

  it("names the missing environment variable", () => {
    expect(() => loadAlertingConfig(EXAMPLE, { env: {} })).toThrow(
      "delivery.smtp.password_env: environment variable JISR_SMTP_PASSWORD is not set",
    );
  });
});

describe("mistakes", () => {
  it("accepts a minimal file and fills every default", () => {
    const config = parseAlertingConfig(MINIMAL, { baseDir: "/srv/jisr" });
    expect(config.state_file).toBe("/srv/jisr/alerting.sqlite");
    expect(config.timezone).toBe("Africa/Casablanca");
    expect(config.delivery.max_attempts).toBe(8);
    expect(config.recipients).toEqual([]);
  });

  it("reports every problem at once, by path", () => {
    const text = `${MINIMAL}
timezone: Mars/Olympus
evaulation_interval: 60s
recipients:
  - id: tech-1
    name: T
    language: de
    institutions: [ehpad-ben-guerir, nowhere]
    channels: { email: t@example.ma }
  - id: tech-1
    name: T2
    language: fr
    institutions: ["*"]
    channels: {}
timings:
  rules:
    inverter-fault: { for: "2 minutes" }
`;
    expect(problems(text)).toEqual([
      'recipients.0.language: Invalid option: expected one of "fr"|"ar"|"en"',
      "recipients.1.channels: must name at least one channel",
      'timings.rules.inverter-fault.for: must be a duration with a unit: "30s", "10m", "4h" or "1d"',
      '(root): Unrecognized key: "evaulation_interval"',
    ]);
  });

  it("checks what the schema cannot: known institutions and rules, channels configured, unique ids", () => {
    const text = `${MINIMAL}
timezone: Mars/Olympus
recipients:
  - { id: tech-1, name: T, language: fr, institutions: [nowhere], channels: { email: t@example.ma } }
  - { id: tech-1, name: T, language: ar, institutions: ["*"], channels: { mqtt_topic: jisr/alerts/t } }
timings:
  rules:
    inverter-fault: { for: "2m" }
`;
    expect(problems(text)).toEqual([
      'timezone: "Mars/Olympus" is not a known time zone',
      "recipients.1.id: duplicates recipients.0.id",
      'recipients.0.institutions.0: "nowhere" is not one of institutions[].id',
      "recipients.0.channels.email: needs delivery.smtp",
      "recipients.1.channels.mqtt_topic: needs delivery.mqtt",
      expect.stringMatching(/^timings\.rules\.inverter-fault: is not a rule; rules are site_silent, /),
    ]);
  });

  it("reads the rules from rules_file, relative to the config file, and names its problems", () => {
    const dir = join(import.meta.dirname, "../..");
    const config = parseAlertingConfig(`${MINIMAL}rules_file: rules.example.yaml\n`, { baseDir: dir });
    expect(config.rules.pv_underperformance.minor_below_pct).toBe(80);
    expect(problems(`${MINIMAL}rules_file: nowhere.yaml\nrules: {}\n`)).toEqual([
      "rules_file: give rules or rules_file, not both",
    ]);
    expect(problems(`${MINIMAL}rules_file: nowhere.yaml\n`)[0]).toMatch(
      /^rules_file \(file\): cannot read: /,
    );
  });

  it("reports a YAML syntax error with its line", () => {
    expect(problems("institutions: [\n")[0]).toMatch(/^line \d+: /);
  });

  it("takes an API token from the environment (token_env), keeping only its SHA-256", () => {
    const token = generateToken();
    const text = `${MINIMAL}api:
  tokens:
    - { id: tok_0000000e, user: web, token_env: WEB_TOKEN, institutions: ["*"], on_behalf: true }
`;
    const config = parseAlertingConfig(text, { env: { WEB_TOKEN: token } });
    expect(config.api.tokens[0]).toEqual({
      id: "tok_0000000e",
      user: "web",
      sha256: hashToken(token),
      institutions: ["*"],
      on_behalf: true,
    });
    expect(problems(text, {})).toEqual(["api.tokens.0.token_env: environment variable WEB_TOKEN is not set"]);
    expect(problems(text, { WEB_TOKEN: "letmein" })).toEqual([
      "api.tokens.0.token_env: WEB_TOKEN is not a jisr_ token (jisr alerting token makes one)",
    ]);
  });
});

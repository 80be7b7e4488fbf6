import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hashToken } from "@jisr/service-kit";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { influxUrl, uniqueDatabase } from "../../../test/servers/context.js";
import { waitFor } from "../../../test/servers/free-port.js";
import { registerIngestCommands } from "./cli.js";
import { influxQuery } from "./testing/service.js";

let dir: string;
let tokensFile: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jisr-cli-"));
  tokensFile = join(dir, "tokens.json");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `jisr <args>` in-process with captured output; commander errors come back instead of exiting. */
async function jisr(args: string[], configure?: (program: Command) => void) {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command("jisr")
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
  registerIngestCommands(program, {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
  });
  configure?.(program);
  let error: unknown;
  await program.parseAsync(args, { from: "user" }).catch((e: unknown) => {
    error = e;
  });
  return { stdout: out.join(""), stderr: err.join(""), error };
}

describe("jisr token new", () => {
  it("prints only the new token on stdout, logs to stderr, stores its hash in a 0600 file", async () => {
    const r = await jisr([
      "token",
      "new",
      "--institution",
      "ehpad-ben-guerir",
      "--tokens",
      tokensFile,
      "--note",
      "roof",
    ]);
    expect(r.error).toBeUndefined();
    expect(r.stdout).toMatch(/^jisr_[A-Za-z0-9_-]{43}\n$/);
    const token = r.stdout.trim();
    expect(JSON.parse(r.stderr)).toMatchObject({ msg: "Token added", institution: "ehpad-ben-guerir" });
    expect(r.stderr).not.toContain(token);
    const file = JSON.parse(readFileSync(tokensFile, "utf8"));
    expect(file.tokens[0]).toMatchObject({
      institution: "ehpad-ben-guerir",
      sha256: hashToken(token),
      note: "roof",
    });
    expect(statSync(tokensFile).mode & 0o777).toBe(0o600);
  });

  it("refuses an institution that is not an id, and creates no file", async () => {
    const r = await jisr(["token", "new", "--institution", "Ehpad Ben Guerir", "--tokens", tokensFile]);
    expect(r.error).toMatchObject({ exitCode: 1 });
    expect(r.stderr).toMatch(/--institution "Ehpad Ben Guerir" must be lower-case letters/);
    expect(r.stdout).toBe("");
    expect(() => statSync(tokensFile)).toThrow(/ENOENT/);
  });

  it("adds to an existing empty file (as `touch` leaves it) as to an empty registry", async () => {
    writeFileSync(tokensFile, "");
    const r = await jisr(["token", "new", "--institution", "ehpad-ben-guerir", "--tokens", tokensFile]);
    expect(r.error).toBeUndefined();
    const file = JSON.parse(readFileSync(tokensFile, "utf8"));
    expect(file.tokens).toHaveLength(1);
    expect(file.tokens[0].sha256).toBe(hashToken(r.stdout.trim()));
  });

  it("takes the tokens file from JISR_TOKENS_FILE", async () => {
    process.env.JISR_TOKENS_FILE = tokensFile;
    try {
      const r = await jisr(["token", "new", "--institution", "a-1"]);
      expect(r.error).toBeUndefined();
      expect(JSON.parse(readFileSync(tokensFile, "utf8")).tokens).toHaveLength(1);
    } finally {
      delete process.env.JISR_TOKENS_FILE;
    }
  });
});

describe("jisr token list", () => {
  it("lists ids, institutions and creation times, never the hashes", async () => {
    const a = await jisr(["token", "new", "--institution", "a-1", "--tokens", tokensFile]);
    await jisr(["token", "new", "--institution", "b-2", "--tokens", tokensFile, "--note", "boiler room"]);
    const r = await jisr(["token", "list", "--tokens", tokensFile]);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+INSTITUTION\s+CREATED\s+NOTE$/);
    expect(lines[1]).toMatch(/^tok_[0-9a-f]{12}\s+a-1\s+\d{4}-\d\d-\d\dT/);
    expect(lines[2]).toMatch(/b-2 .* boiler room$/);
    expect(r.stdout).not.toContain(hashToken(a.stdout.trim()));
    expect(r.stdout).not.toContain(a.stdout.trim());
    const json = await jisr(["token", "list", "--tokens", tokensFile, "--json"]);
    expect(JSON.parse(json.stdout).map((t: { institution: string }) => t.institution)).toEqual([
      "a-1",
      "b-2",
    ]);
  });

  it("says how to create a missing file, and names the problems of a broken one", async () => {
    const missing = await jisr(["token", "list", "--tokens", tokensFile]);
    expect(missing.stderr).toContain(
      `tokens file ${tokensFile} does not exist: create it with \`jisr token new`,
    );
    writeFileSync(tokensFile, JSON.stringify({ tokens: [{ id: "x" }] }));
    const broken = await jisr(["token", "list", "--tokens", tokensFile]);
    expect(broken.error).toMatchObject({ exitCode: 1 });
    expect(broken.stderr).toContain("tokens.0.id: must be tok_ followed by 8 to 32 hex digits");
  });
});

describe("jisr ingest", () => {
  it("shows every environment variable and examples in --help", async () => {
    const r = await jisr(["ingest", "--help"]);
    const help = r.stdout.replace(/\s+/g, " "); // commander wraps long lines
    for (const v of [
      "JISR_INGEST_PORT",
      "JISR_INGEST_HOST",
      "JISR_INFLUX_URL",
      "JISR_INFLUX_DATABASE",
      "JISR_INFLUX_TOKEN",
      "JISR_INFLUX_USERNAME",
      "JISR_INFLUX_PASSWORD",
      "JISR_TOKENS_FILE",
      "JISR_INGEST_BODY_LIMIT",
      "JISR_INGEST_MAX_FIELDS",
      "JISR_INGEST_MAX_TAGS",
      "JISR_INGEST_HEADERS_TIMEOUT",
      "JISR_INGEST_REQUEST_TIMEOUT",
      "JISR_INGEST_KEEP_ALIVE_TIMEOUT",
      "JISR_INGEST_IDLE_TIMEOUT",
      "JISR_INGEST_MAX_CONNECTIONS",
    ]) {
      expect(help).toContain(`env: ${v})`);
    }
    expect(help).toContain("Examples: jisr token new --institution");
  });

  it("takes options from the environment, the command line winning", async () => {
    let seen: Record<string, unknown> | undefined;
    const env = {
      JISR_INGEST_PORT: "9999",
      JISR_INFLUX_URL: "http://env:8086",
      JISR_TOKENS_FILE: "/env/tokens.json",
    };
    Object.assign(process.env, env);
    try {
      await jisr(["ingest", "--port", "8080"], (program) => {
        program.commands
          .find((c) => c.name() === "ingest")
          ?.action((o: Record<string, unknown>) => {
            seen = o;
          });
      });
    } finally {
      for (const k of Object.keys(env)) delete process.env[k];
    }
    expect(seen).toMatchObject({
      port: "8080",
      influxUrl: "http://env:8086",
      tokens: "/env/tokens.json",
      host: "127.0.0.1",
      database: "jisr",
    });
  });

  it("refuses bad options naming each", async () => {
    const r = await jisr(["ingest", "--port", "99999", "--influx-url", "ftp://x", "--tokens", tokensFile]);
    expect(r.error).toMatchObject({ exitCode: 1 });
    expect(r.stderr).toContain("port:");
    expect(r.stderr).toContain("influxUrl: must be an http(s) URL");
  });

  it("refuses a header timeout longer than the request timeout, and limits that are not positive", async () => {
    const r = await jisr([
      "ingest",
      "--port",
      "0",
      "--influx-url",
      "http://127.0.0.1:8086",
      "--tokens",
      tokensFile,
      "--headers-timeout",
      "30000",
      "--request-timeout",
      "20000",
      "--max-fields",
      "0",
    ]);
    expect(r.error).toMatchObject({ exitCode: 1 });
    expect(r.stderr).toContain("headersTimeout: --headers-timeout must not be longer than --request-timeout");
    expect(r.stderr).toContain("maxFields:");
  });

  it("serves writes into InfluxDB as a process, and stops cleanly on SIGTERM", async () => {
    const token = (
      await jisr(["token", "new", "--institution", "proc-inst", "--tokens", tokensFile])
    ).stdout.trim();
    const database = uniqueDatabase("ingest_cli");
    const script = join(dir, "jisr.mts");
    const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));
    const commander = fileURLToPath(import.meta.resolve("commander"));
    writeFileSync(
      script,
      `import { Command } from ${JSON.stringify(commander)};
import { registerIngestCommands } from ${JSON.stringify(cli)};
const program = new Command("jisr");
registerIngestCommands(program);
await program.parseAsync(process.argv);`,
    );
    const child = spawn(
      process.execPath,
      ["--import", "tsx", script, "ingest", "--port", "0", "--tokens", tokensFile, "--database", database],
      {
        cwd: fileURLToPath(new URL(".", import.meta.url)),
        env: { ...process.env, JISR_INFLUX_URL: influxUrl(), JISR_INGEST_MAX_FIELDS: "2" },
      },
    );
    let output = "";
    child.stdout.on("data", (b: Buffer) => {
      output += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      output += b.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      await waitFor(
        async () => output.includes("Ingestion listening"),
        20_000,
        `the service to listen:\n${output}`,
      );
      const url = /"url":"(http:[^"]+)"/.exec(output)?.[1];
      const res = await fetch(`${url}/api/v1/write`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          points: [{ measurement: "proc", tags: { device: "d" }, fields: { v: 3 }, time: 1.8e12 }],
        }),
      });
      expect(res.status).toBe(204);
      const wide = await fetch(`${url}/api/v1/write`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          points: [
            { measurement: "proc", tags: { device: "d" }, fields: { a: 1, b: 2, c: 3 }, time: 1.8e12 },
          ],
        }),
      });
      expect(wide.status).toBe(400);
      expect(((await wide.json()) as { error: { problems: unknown } }).error.problems).toEqual([
        { index: 0, path: "points.0.fields", message: "holds 3 fields, more than the limit of 2 per point" },
      ]);
      expect(await influxQuery(influxUrl(), database, 'SELECT "v", "institution" FROM "proc"')).toEqual([
        { time: 1.8e12, v: 3, institution: "proc-inst" },
      ]);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(output).not.toContain(token);
  });
});

/**
 * For this workspace's tests: an app on a real InfluxDB (the run's private influxd, a database of its own),
 * a tokens file with one token per institution, and a raw InfluxQL query to check what InfluxDB holds
 * without going through the code under test.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Store } from "@jisr/core/store";
import { addToken } from "@jisr/service-kit";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { influxUrl, uniqueDatabase } from "../../../../test/servers/context.js";
import { type AppOptions, buildApp } from "../app.js";
import { createInfluxStore } from "../influx.js";

export const INSTITUTION = "ehpad-ben-guerir";
export const OTHER_INSTITUTION = "orphelinat-sidi-bennour";

export interface TestBed {
  app: FastifyInstance;
  store: Store;
  database: string;
  dir: string;
  tokensFile: string;
  /** A token of INSTITUTION. */
  token: string;
  /** A token of OTHER_INSTITUTION. */
  otherToken: string;
  /** Rows of an InfluxQL query on the test database, one object per row (time in epoch ms). */
  query(q: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export async function makeTokens(
  dir: string,
): Promise<{ tokensFile: string; token: string; otherToken: string }> {
  const tokensFile = join(dir, "tokens.json");
  const { token } = await addToken(tokensFile, INSTITUTION);
  const { token: otherToken } = await addToken(tokensFile, OTHER_INSTITUTION);
  return { tokensFile, token, otherToken };
}

export async function influxQuery(
  url: string,
  database: string,
  q: string,
): Promise<Array<Record<string, unknown>>> {
  const params = new URLSearchParams({ db: database, q, epoch: "ms" });
  const res = await fetch(`${url}/query?${params}`, { method: "POST" });
  if (!res.ok) throw new Error(`query ${q}: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as {
    results: Array<{ error?: string; series?: Array<{ columns: string[]; values: unknown[][] }> }>;
  };
  const result = body.results[0];
  if (result?.error) throw new Error(`query ${q}: ${result.error}`);
  return (result?.series ?? []).flatMap((s) =>
    s.values.map((row) => Object.fromEntries(s.columns.map((c, i) => [c, row[i]]))),
  );
}

export async function buildTestBed(overrides: Partial<AppOptions> = {}): Promise<TestBed> {
  const dir = mkdtempSync(join(tmpdir(), "jisr-ingestion-"));
  const database = uniqueDatabase("ingest");
  const url = influxUrl();
  const store = createInfluxStore({ influxUrl: url, database, logger: pino({ level: "silent" }) });
  await store.init();
  const tokens = await makeTokens(dir);
  const app = await buildApp({ store, tokensFile: tokens.tokensFile, tokensPollMs: 50, ...overrides });
  return {
    app,
    store,
    database,
    dir,
    ...tokens,
    query: (q) => influxQuery(url, database, q),
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

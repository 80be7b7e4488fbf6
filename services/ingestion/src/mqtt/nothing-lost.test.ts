/**
 * "Nothing acknowledged is lost over MQTT", through the shared Mosquitto and the real influxd: 10 batches
 * of each kind that used to be dropped whole, mixed with good ones. Every good reading ends up in
 * InfluxDB (counted there), each bad one in the rejected table with its reason, and each batch with a bad
 * token in quarantine until its token is fixed (automatic replay) or an operator replays it
 * (`jisr ingest-quarantine replay`). The gateway's retained feedback message says so.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { InfluxStore } from "@jisr/core/store";
import type { TokenEntry } from "@jisr/service-kit";
import { addToken, generateToken, hashToken, readTokensFile, writeTokensFile } from "@jisr/service-kit";
import { Command } from "commander";
import mqtt, { type MqttClient } from "mqtt";
import { pino } from "pino";
import { afterAll, expect, it, vi } from "vitest";
import { influxUrl, mqttUrl, uniqueDatabase } from "../../../../test/servers/context.js";
import { InitOnUseStore } from "../init-on-use.js";
import { registerQuarantineCommands } from "./cli-quarantine.js";
import { type MqttIngest, startMqttIngest } from "./consumer.js";
import type { FeedbackMessage } from "./feedback.js";
import { MqttIngestState } from "./state.js";

const T0 = Date.UTC(2026, 10, 30, 8, 0, 0);
const A = "ehpad-ben-guerir";
const B = "foyer-sidi-bennour";
const MEASUREMENT = "pv_mix";
const PER_KIND = 10;
const POINTS_PER_BATCH = 5;

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let n = 0;
/** A good reading: its own time, so every one is its own row in InfluxDB. */
const reading = () => {
  n++;
  return {
    measurement: MEASUREMENT,
    tags: { device: `inv-${n % 7}` },
    fields: { power_w: n },
    time: T0 + n * 1000,
  };
};
const goodBatch = () => Array.from({ length: POINTS_PER_BATCH }, reading);
/** Four good readings and one bad one, in the middle. */
const withBad = (bad: Record<string, unknown>) => {
  const points: unknown[] = Array.from({ length: POINTS_PER_BATCH - 1 }, reading);
  points.splice(2, 0, { ...reading(), ...bad });
  return points;
};

type Kind =
  | "good"
  | "bad_field"
  | "type_conflict"
  | "other_institution"
  | "unknown"
  | "revoked"
  | "missing"
  | "foreign";
const KINDS: Kind[] = [
  "good",
  "bad_field",
  "type_conflict",
  "other_institution",
  "unknown",
  "revoked",
  "missing",
  "foreign",
];
const GATEWAY: Record<Kind, string> = {
  good: "gw-1",
  bad_field: "gw-1",
  type_conflict: "gw-1",
  other_institution: "gw-1",
  unknown: "gw-unknown",
  revoked: "gw-revoked",
  missing: "gw-missing",
  foreign: "gw-foreign",
};

it("stores every good reading of 80 mixed batches, keeps the bad ones with their reason, and replays the quarantine", async () => {
  const p = `jisr-lost-${Math.random().toString(16).slice(2, 10)}`;
  const dir = mkdtempSync(join(tmpdir(), "jisr-mqtt-lost-"));
  const tokensFile = join(dir, "tokens.json");
  const statePath = join(dir, "state.sqlite");
  const tokenA = (await addToken(tokensFile, A)).token;
  const tokenB = (await addToken(tokensFile, B)).token;
  const rotated = await addToken(tokensFile, A, { note: "rotated" });
  const unknown = generateToken(); // never in the file: added later, as the fix
  // Rotation: the old token is revoked (removed) before the gateway got the new one.
  const revoke = async () => {
    const file = await readTokensFile(tokensFile);
    await writeTokensFile(tokensFile, {
      ...file,
      tokens: file.tokens.filter((t) => t.id !== rotated.entry.id),
    });
  };
  await revoke();

  const logs: { level: number; msg: string }[] = [];
  const database = uniqueDatabase("mqtt_lost");
  const store = new InfluxStore({ url: influxUrl(), database });
  const check = new InfluxStore({ url: influxUrl(), database });
  cleanups.push(
    () => store.close(),
    () => check.close(),
  );
  const consumer: MqttIngest = await startMqttIngest({
    url: mqttUrl(),
    topic: `${p}/+/+/points`,
    group: "",
    clientId: `ingest-${p}`,
    store: new InitOnUseStore(store),
    tokensFile,
    tokensPollMs: 100,
    limits: { maxPoints: 1000, maxBytes: 1024 * 1024 },
    state: { path: statePath },
    feedbackTopic: `${p}/{institution}/{gateway}/feedback`,
    logger: pino({ level: "info" }, { write: (line: string) => logs.push(JSON.parse(line)) }),
    retry: { initialMs: 100, maxMs: 500 },
  });
  cleanups.push(() => consumer.stop());
  await vi.waitFor(() => expect(consumer.status().connected).toBe(true), { timeout: 10_000 });

  const gw: MqttClient = await mqtt.connectAsync(mqttUrl(), { protocolVersion: 5, reconnectPeriod: 0 });
  cleanups.push(() => gw.endAsync(true));
  const feedback = new Map<string, FeedbackMessage>();
  gw.on("message", (topic, payload) =>
    feedback.set(topic.split("/")[2] ?? "", JSON.parse(payload.toString())),
  );
  await gw.subscribeAsync(`${p}/${A}/+/feedback`, { qos: 1 });

  const publish = (kind: Kind, points: unknown[]) => {
    const token: Partial<Record<Kind, string | undefined>> = {
      unknown,
      revoked: rotated.token,
      missing: undefined,
      foreign: tokenB,
    };
    const t = kind in token ? token[kind] : tokenA;
    return gw.publishAsync(`${p}/${A}/${GATEWAY[kind]}/points`, gzipSync(JSON.stringify({ points })), {
      qos: 1,
      properties: t === undefined ? {} : { userProperties: { authorization: `Bearer ${t}` } },
    });
  };

  // The field power_w is a float in InfluxDB before the batches with a string in it arrive.
  const sent: Record<"stored" | "quarantined", number> = { stored: 0, quarantined: 0 };
  await publish("good", goodBatch());
  sent.stored += POINTS_PER_BATCH;
  await vi.waitFor(() => expect(consumer.status().stored_batches).toBe(1), { timeout: 15_000 });

  // 10 of each kind, interleaved: good, bad field, type conflict, ... then the next round.
  const byKind: Record<Kind, unknown[][]> = Object.fromEntries(KINDS.map((k) => [k, []])) as never;
  for (let round = 0; round < PER_KIND; round++) {
    for (const kind of KINDS) {
      if (kind === "good" && round === 0) continue; // sent above
      const points =
        kind === "bad_field"
          ? withBad({ fields: { "Power W": 1 } })
          : kind === "type_conflict"
            ? withBad({ fields: { power_w: "high" } })
            : kind === "other_institution"
              ? withBad({ tags: { device: "inv-x", institution: B } })
              : goodBatch();
      byKind[kind].push(points);
      await publish(kind, points);
    }
  }
  const goodIn = (kinds: Kind[]) =>
    kinds.reduce((a, k) => a + byKind[k].length * (k === "good" || GATEWAY[k] !== "gw-1" ? 5 : 4), 0);
  sent.stored += goodIn(["good", "bad_field", "type_conflict", "other_institution"]);
  sent.quarantined = goodIn(["unknown", "revoked", "missing", "foreign"]);
  expect(sent).toEqual({ stored: 170, quarantined: 200 });

  const sum = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
  await vi.waitFor(
    () => {
      const s = consumer.status();
      expect(s.stored_batches + sum(s.quarantined_batches)).toBe(80);
    },
    { timeout: 60_000, interval: 100 },
  );
  expect(consumer.status()).toMatchObject({
    stored_batches: 40,
    stored_points: 170,
    rejected_points: {
      JISR_ERR_INVALID_BATCH: 10,
      JISR_ERR_STORE_REJECTED: 10,
      JISR_ERR_FORBIDDEN_INSTITUTION: 10,
    },
    refused_batches: {},
    quarantined_batches: { JISR_ERR_UNAUTHORIZED: 30, JISR_ERR_FORBIDDEN_INSTITUTION: 10 },
    quarantined_points: 200,
    quarantine: { batches: 40, points: 200, dropped_batches: 0 },
    holding: false,
  });

  const count = async () => {
    const series = await check.aggregate({
      measurement: MEASUREMENT,
      field: "power_w",
      fn: "count",
      from: T0,
      to: T0 + 86_400_000,
      everyMs: 86_400_000,
      where: { institution: A },
    });
    return series.flatMap((s) => s.points).reduce((a, pt) => a + pt.value, 0);
  };
  expect(await count()).toBe(sent.stored);
  // Nothing of institution B was written through A's topic.
  expect(
    await check.aggregate({
      measurement: MEASUREMENT,
      field: "power_w",
      fn: "count",
      from: T0,
      to: T0 + 86_400_000,
      everyMs: 86_400_000,
      where: { institution: B },
    }),
  ).toEqual([]);

  // The rejected points, each with its path, message and code.
  const state = new MqttIngestState({ path: statePath });
  cleanups.push(async () => state.close());
  const rejected = state.rejected({ gateway: "gw-1" }, 1000);
  expect(rejected).toHaveLength(30);
  const byCode = (code: string) => rejected.filter((r) => r.code === code);
  expect(byCode("JISR_ERR_INVALID_BATCH").every((r) => /^points\.2\.fields/.test(r.path))).toBe(true);
  expect(byCode("JISR_ERR_STORE_REJECTED").map((r) => r.path)).toEqual(
    Array.from({ length: 10 }, () => "points.2.fields.power_w"),
  );
  expect(byCode("JISR_ERR_STORE_REJECTED")[0]?.message).toMatch(/field type conflict/);
  expect(byCode("JISR_ERR_FORBIDDEN_INSTITUTION")[0]).toMatchObject({
    path: "points.2.tags.institution",
    message: `names institution "${B}" but the topic and the token are "${A}"`,
  });
  expect(JSON.parse(byCode("JISR_ERR_STORE_REJECTED")[0]?.item ?? "{}").fields).toEqual({ power_w: "high" });

  // The quarantine, per gateway.
  const waiting = (gateway: string) => state.summary({ gateway });
  for (const gateway of ["gw-unknown", "gw-revoked", "gw-missing", "gw-foreign"])
    expect(waiting(gateway)).toMatchObject({ batches: 10, points: 50 });

  // The operator sees it in the log: one line per gateway and reason (at most one a minute), not one per batch.
  const lines = (text: string) => logs.filter((l) => l.msg.includes(text));
  for (const [gateway, reason] of [
    ["gw-unknown", "unknown token"],
    ["gw-revoked", "unknown token"],
    ["gw-missing", "no token"],
    ["gw-foreign", "token of another institution"],
  ])
    expect(
      lines(`Gateway "${gateway}" (${A}): batch quarantined, kept but not stored: ${reason}`),
    ).toHaveLength(1);
  expect(lines('Gateway "gw-1"')).toHaveLength(1);
  expect(lines('Gateway "gw-1"')[0]?.msg).toMatch(
    /1 point\(s\) of a batch refused for good and kept with their reason, 4 stored/,
  );
  expect(lines("jisr ingest-quarantine list --state")).toHaveLength(4);

  // The gateway hears it (retained, so a late subscriber gets it too).
  await vi.waitFor(
    () => {
      expect(feedback.get("gw-1")?.totals).toMatchObject({ rejected_points: 30, rejected_batches: 30 });
      expect(feedback.get("gw-missing")?.quarantine).toMatchObject({ batches: 10, points: 50 });
    },
    { timeout: 10_000 },
  );
  expect(feedback.get("gw-1")?.recent_rejections).toHaveLength(5);

  // The fix: the unknown token is added to the tokens file and the revoked one restored. The consumer
  // sees the file change and replays what those tokens sent.
  const file = await readTokensFile(tokensFile);
  const fixed: TokenEntry = {
    id: "tok_0123456789ab",
    institution: A,
    sha256: hashToken(unknown),
    created: new Date().toISOString(),
  };
  await writeTokensFile(tokensFile, { ...file, tokens: [...file.tokens, fixed, rotated.entry] });
  await vi.waitFor(() => expect(consumer.status().replayed_batches).toBe(20), {
    timeout: 30_000,
    interval: 100,
  });
  expect(await count()).toBe(sent.stored + 100);
  expect(lines("Quarantine: 20 batch(es) replayed and stored (100 point(s))")).toHaveLength(1);
  expect(waiting("gw-unknown").batches).toBe(0);
  expect(waiting("gw-revoked").batches).toBe(0);

  // No token at all: an operator vouches for the gateway and replays them whatever the token.
  const out: string[] = [];
  const cli = async (...args: string[]) => {
    const program = new Command("jisr").exitOverride();
    registerQuarantineCommands(program, {
      stdout: { write: (s) => out.push(s) },
      stderr: { write: () => 0 },
    });
    await program.parseAsync(["ingest-quarantine", ...args, "--state", statePath], { from: "user" });
  };
  await cli("replay", "--gateway", "gw-missing", "--ignore-token", "--wait", "30");
  expect(out.join("")).toContain("10 of 10 batch(es) replayed and stored.");
  // Another institution's token is still refused when checked again, and stays.
  out.length = 0;
  await cli("replay", "--gateway", "gw-foreign", "--wait", "30");
  process.exitCode = undefined;
  expect(out.join("")).toContain("0 of 10 batch(es) replayed and stored.");
  expect(out.join("")).toContain(`still refused: token of another institution: it belongs to "${B}"`);
  expect(waiting("gw-foreign").batches).toBe(10);
  out.length = 0;
  await cli("list", "--gateway", "gw-foreign");
  expect(out.join("")).toMatch(/^10 batch\(es\), 50 point\(s\)/);

  out.length = 0;
  await cli("rejected", "--gateway", "gw-1", "--limit", "100");
  const printed = out
    .join("")
    .split("\n")
    .filter((l) => l.includes("JISR_ERR_"));
  expect(printed).toHaveLength(30);
  expect(
    printed.filter((l) =>
      l.includes("JISR_ERR_STORE_REJECTED  points.2.fields.power_w: field type conflict"),
    ),
  ).toHaveLength(10);

  expect(await count()).toBe(sent.stored + 150);
  await cli("replay", "--gateway", "gw-foreign", "--ignore-token", "--wait", "30");
  expect(await count()).toBe(sent.stored + sent.quarantined); // every good reading sent
  expect(consumer.status()).toMatchObject({
    replayed_batches: 40,
    replayed_points: 200,
    quarantine: { batches: 0, points: 0 },
  });
  await vi.waitFor(
    () => {
      expect(feedback.get("gw-missing")?.quarantine).toMatchObject({ batches: 0, points: 0 });
      expect(feedback.get("gw-missing")?.totals).toMatchObject({
        quarantined_batches: 10,
        replayed_batches: 10,
      });
    },
    { timeout: 10_000 },
  );
});

/**
 * What read coalescing saves, per shipped device profile: requests per poll and bytes on the wire of the
 * planned reads against one request per point. Requests are counted where they arrive, at a simulator
 * serving the profile over a real Modbus TCP socket; bytes follow from the requests that arrived
 * (Modbus application protocol v1.1b3: a read request PDU is 5 bytes, its answer 2 + data bytes; a TCP
 * ADU adds the 7-byte MBAP header, an RTU frame 1 address byte and 2 CRC bytes). The RTU column is the
 * wire-time lower bound at 9600 baud (11 bits a character, 3.5 characters of silence per frame) for the
 * same requests: what a poll over RS-485 cannot go below.
 *
 *   npx tsx bench/modbus-coalescing.ts [--polls 20]
 */
import { parseArgs } from "node:util";
import {
  FUNCTION_CODE,
  listBuiltinProfiles,
  loadProfile,
  openModbusLink,
  type Profile,
  planOf,
  planOnePerPoint,
  type ReadRequest,
  readPlan,
} from "@jisr/gateway";
import { type ServedRequest, startProfileDevice } from "@jisr/simulators";

const { values: args } = parseArgs({ options: { polls: { type: "string", default: "20" } } });
const POLLS = Number(args.polls);
const BAUD = 9600;
const BITS_PER_CHAR = 11;

/** Bytes of one request and its answer: PDUs, and ADUs on TCP and RTU. */
function frameBytes(r: ServedRequest): { pdu: number; tcp: number; rtu: number } {
  const bits = r.functionCode === FUNCTION_CODE.coil || r.functionCode === FUNCTION_CODE.discrete;
  const data = bits ? Math.ceil(r.count / 8) : 2 * r.count;
  const request = 5;
  const answer = 2 + data;
  return { pdu: request + answer, tcp: request + answer + 2 * 7, rtu: request + answer + 2 * 3 };
}

/** Lower bound of the time on an RS-485 line for these requests and their answers, ms. */
function rtuWireMs(requests: readonly ServedRequest[]): number {
  const chars = requests.reduce((sum, r) => sum + frameBytes(r).rtu + 2 * 3.5, 0);
  return (chars * BITS_PER_CHAR * 1000) / BAUD;
}

interface Measured {
  requests: number;
  tcpBytes: number;
  pduBytes: number;
  rtuMs: number;
  loopbackMs: number;
}

/** Polls `POLLS` times with `plan` against a simulator of `profile`, counting what arrives there. */
async function measure(profile: Profile, plan: readonly ReadRequest[]): Promise<Measured> {
  const device = await startProfileDevice({ profile });
  const link = await openModbusLink({ host: "127.0.0.1", port: device.port });
  try {
    await readPlan(link, 1, plan, 2000); // warm-up: connection open, code paths hot
    device.requests.length = 0;
    const t0 = performance.now();
    for (let i = 0; i < POLLS; i++) await readPlan(link, 1, plan, 2000);
    const loopbackMs = (performance.now() - t0) / POLLS;
    const perPoll = device.requests.slice(0, device.requests.length / POLLS);
    if (device.requests.length !== plan.length * POLLS) {
      throw new Error(
        `${profile.name}: ${device.requests.length} requests arrived, ${plan.length * POLLS} sent`,
      );
    }
    return {
      requests: perPoll.length,
      pduBytes: perPoll.reduce((s, r) => s + frameBytes(r).pdu, 0),
      tcpBytes: perPoll.reduce((s, r) => s + frameBytes(r).tcp, 0),
      rtuMs: rtuWireMs(perPoll),
      loopbackMs,
    };
  } finally {
    await link.close();
    await device.close();
  }
}

const ratio = (a: number, b: number) => `${(b / a).toFixed(1)}x`;

const rows: string[][] = [];
for (const b of listBuiltinProfiles()) {
  const profile = loadProfile(b.name);
  const coalesced = await measure(profile, planOf(profile));
  const naive = await measure(profile, planOnePerPoint(profile.points));
  rows.push([
    b.name,
    String(profile.points.length),
    `${coalesced.requests} / ${naive.requests}`,
    ratio(coalesced.requests, naive.requests),
    `${coalesced.pduBytes} / ${naive.pduBytes}`,
    `${coalesced.tcpBytes} / ${naive.tcpBytes}`,
    ratio(coalesced.tcpBytes, naive.tcpBytes),
    `${coalesced.rtuMs.toFixed(0)} / ${naive.rtuMs.toFixed(0)}`,
    `${coalesced.loopbackMs.toFixed(2)} / ${naive.loopbackMs.toFixed(2)}`,
  ]);
}

const header = [
  "profile",
  "points",
  "requests/poll",
  "fewer",
  "PDU bytes",
  "TCP bytes",
  "fewer",
  "RTU ms @9600 (bound)",
  "TCP loopback ms",
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
console.log(
  `Coalesced plan / one request per point, ${POLLS} polls each, requests counted at the simulator.\n`,
);
console.log(line(header));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const r of rows) console.log(line(r));

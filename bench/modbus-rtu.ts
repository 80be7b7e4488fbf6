/**
 * Poll time of SunSpec inverters over Modbus RTU, against the wire-time lower bound of the same requests
 * at the line's baud rate: every byte of every request and answer at 11 bits per character (start, 8 data,
 * parity or second stop, stop), plus the 3.5-character silence before each frame. Nothing on a real line
 * can be faster; the ratio says how much the gateway and the device add.
 *
 * The bus is a socat pseudo-terminal pair, and a pty does not throttle to the baud rate: bytes cross at
 * memory speed. So two figures are printed:
 * - "pty": the pty as it is. Below the lower bound is possible; what remains is per-request overhead
 *   (ours, and the simulator's end-of-frame detection, 3.5 characters as a real device does).
 * - "emulated line": the simulator holds each answer for the time its request and answer would take on
 *   the wire, so the poll time is comparable with the lower bound (as a device answering at once would be).
 *
 *   npx tsx bench/modbus-rtu.ts [--polls 20] [--baud 9600] [--inverters 1]
 */
import { parseArgs } from "node:util";
import { LinkPool, SunspecDriver } from "@jisr/gateway";
import { type RtuRequest, type RtuServerHandle, SimulatedInverter, startRtuServer } from "@jisr/simulators";
import { pino } from "pino";
import { startPtyPair } from "../test/servers/socat.js";

const { values: args } = parseArgs({
  options: {
    polls: { type: "string", default: "20" },
    baud: { type: "string", default: "9600" },
    inverters: { type: "string", default: "1" },
  },
});
const POLLS = Number(args.polls);
const BAUD = Number(args.baud);
const INVERTERS = Number(args.inverters);
const BITS_PER_CHAR = 11;

/** RTU frame sizes of a read: address, function, 2+2 bytes, CRC; answer: address, function, count, data, CRC. */
function frameBytes(r: RtuRequest): { request: number; answer: number } {
  const data = r.functionCode <= 2 ? Math.ceil(r.count / 8) : 2 * r.count;
  return { request: 8, answer: 5 + data };
}

const charMs = (chars: number) => (chars * BITS_PER_CHAR * 1000) / BAUD;
/** Modbus over serial line v1.02, 2.5.1.1: 3.5 characters, or 1.75 ms above 19200 baud. */
const silenceMs = BAUD > 19_200 ? 1.75 : charMs(3.5);

function wireBound(requests: readonly RtuRequest[]) {
  let bytes = 0;
  for (const r of requests) {
    const f = frameBytes(r);
    bytes += f.request + f.answer;
  }
  const frames = 2 * requests.length;
  return { bytes, frames, ms: charMs(bytes) + frames * silenceMs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

interface Run {
  pollMs: number[];
  perPoll: RtuRequest[];
}

async function run(emulateLine: boolean): Promise<Run> {
  const pty = await startPtyPair();
  const inverters = new Map<number, SimulatedInverter>();
  for (let unit = 1; unit <= INVERTERS; unit++) {
    const inverter = new SimulatedInverter({ unit, kwp: 10, seed: unit });
    inverter.tick();
    inverters.set(unit, inverter);
  }
  let server: RtuServerHandle | undefined;
  const links = new LinkPool();
  const logger = pino({ level: "silent" });
  try {
    server = await startRtuServer({
      path: pty.a,
      baud: BAUD,
      devices: inverters,
      ...(emulateLine && {
        answerDelayMs: (r: RtuRequest) => {
          const f = frameBytes(r);
          return charMs(f.request + f.answer);
        },
      }),
    });
    const drivers = [...inverters.keys()].map(
      (unit) =>
        new SunspecDriver(
          {
            id: `inv-${unit}`,
            profile: "sunspec",
            serial: { path: pty.b, baud: BAUD, parity: "none", data_bits: 8, stop_bits: 1 },
            port: 502,
            unit,
            interval: 10_000,
            timeout: 2000,
            retries: 0,
          },
          { institution: "bench", logger, links },
        ),
    );
    for (const d of drivers) await d.init();
    await Promise.all(drivers.map((d) => d.poll(Date.now()))); // discovery, not measured
    const before = server.requests.length;
    const pollMs: number[] = [];
    for (let i = 0; i < POLLS; i++) {
      const t = performance.now();
      await Promise.all(drivers.map((d) => d.poll(Date.now())));
      pollMs.push(performance.now() - t);
    }
    // Every poll sends the same requests: keep one poll's worth.
    const measured = server.requests.slice(before);
    const perPoll = measured.slice(0, measured.length / POLLS);
    for (const d of drivers) await d.close();
    return { pollMs, perPoll };
  } finally {
    await links.closeAll();
    await server?.close();
    await pty.stop();
  }
}

const pty = await run(false);
const emulated = await run(true);
const bound = wireBound(pty.perPoll);
const f = (ms: number) => ms.toFixed(1);

console.log(
  `Modbus RTU at ${BAUD} baud 8N1 over a socat pty pair: ${INVERTERS} SunSpec inverter(s) (models 1, 103, 160), ${POLLS} polls`,
);
console.log(
  `requests per poll of the bus: ${pty.perPoll.length}; bytes on the wire per poll: ${bound.bytes}`,
);
console.log(
  `wire-time lower bound: ${bound.bytes} bytes x ${BITS_PER_CHAR} bits / ${BAUD} = ${f(charMs(bound.bytes))} ms` +
    ` + ${bound.frames} silences of 3.5 characters (${f(bound.frames * silenceMs)} ms) = ${f(bound.ms)} ms`,
);
for (const [name, r] of [
  ["pty (not throttled)", pty],
  ["emulated line      ", emulated],
] as const) {
  const m = median(r.pollMs);
  console.log(
    `${name}: median poll ${f(m)} ms (min ${f(Math.min(...r.pollMs))}, max ${f(Math.max(...r.pollMs))}); ` +
      `ratio to the lower bound ${(m / bound.ms).toFixed(2)}; overhead ${f((m - (name.startsWith("pty") ? 0 : charMs(bound.bytes))) / r.perPoll.length)} ms per request`,
  );
}
console.log(
  "A pty moves bytes at memory speed, so the pty figure shows only per-request overhead; the emulated line holds each answer for its wire time, so its ratio is what a real line would show with a device answering at once.",
);

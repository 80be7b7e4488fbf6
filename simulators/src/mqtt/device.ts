// A simulated MQTT device: publishes, every interval, what a Shelly Plus 1PM, a Shelly Pro 3EM, a
// Tasmota plug or an OpenDTU (one Hoymiles micro-inverter) would publish, with values following the sun
// at Ben Guerir or an institution's daily load. For tests and the demo; the gateway reads it through the
// matching profile of gateway/profiles/mqtt/.
import mqtt, { type MqttClient } from "mqtt";
import type { Logger } from "pino";
import { createSimClock, type SimClock } from "../clock.js";
import { EnergyCounter, loadReading, loadW, pvReading } from "./model.js";
import {
  opendtuMessages,
  type PhaseReading,
  shellyEmDataStatus,
  shellyEmStatus,
  shellySwitchStatus,
  tasmotaSensor,
} from "./payloads.js";

export const SIMULATED_MQTT_KINDS = ["shelly-plus1pm", "shelly-pro3em", "tasmota", "opendtu"] as const;
export type SimulatedMqttKind = (typeof SIMULATED_MQTT_KINDS)[number];

export interface SimulatedMqttDeviceOptions {
  /** Broker, mqtt://host:port. */
  url: string;
  kind: SimulatedMqttKind;
  /** The device's own topic, as in the gateway config (Shelly prefix, Tasmota %topic%, <base>/<serial>). */
  topic: string;
  /** "pv": an inverter's output; "load": demand (the Pro 3EM at the grid connection: load minus `kwp` of PV). */
  measures?: "pv" | "load";
  /** PV peak power, kWp (default 0.8, a two-panel micro-inverter; 0 for no PV behind a Pro 3EM). */
  kwp?: number;
  /** Peak of the load, W (default 2000; a whole institution on a Pro 3EM: 15000). */
  peakW?: number;
  /** Wall time between two publishes, ms (default 10 s). */
  intervalMs?: number;
  clock?: SimClock;
  seed?: number;
  /** Tasmota's clock zone, for its zone-less "Time" (default Africa/Casablanca). */
  timeZone?: string;
  username?: string;
  password?: string;
  logger?: Logger;
}

export interface SimulatedMqttDevice {
  /** Messages published so far. */
  readonly published: number;
  /** Publishes one round now (QoS 1, resolved once the broker has them all). */
  publishNow(): Promise<void>;
  stop(): Promise<void>;
}

type Messages = Array<[string, string]>;

export async function startSimulatedMqttDevice(o: SimulatedMqttDeviceOptions): Promise<SimulatedMqttDevice> {
  const clock = o.clock ?? createSimClock();
  const round = roundBuilder(o);
  const client: MqttClient = await mqtt.connectAsync(o.url, {
    protocolVersion: 4,
    username: o.username,
    password: o.password,
    reconnectPeriod: 1000,
  });
  client.on("error", (err) =>
    o.logger?.warn({ err: err.message, topic: o.topic }, "simulated MQTT device: broker error"),
  );
  let published = 0;
  const publishNow = async () => {
    for (const [topic, payload] of round(clock.now())) {
      await client.publishAsync(topic, payload, { qos: 1 });
      published++;
    }
  };
  await publishNow();
  const timer = setInterval(() => {
    publishNow().catch((err: Error) =>
      o.logger?.debug({ err: err.message }, "simulated MQTT device: publish failed"),
    );
  }, o.intervalMs ?? 10_000);
  o.logger?.info({ kind: o.kind, topic: o.topic, broker: o.url }, "simulated MQTT device publishing");
  return {
    get published() {
      return published;
    },
    publishNow,
    stop: async () => {
      clearInterval(timer);
      await client.endAsync();
    },
  };
}

/** The messages of one round at sim time `t`, with the device's counters carried between rounds. */
function roundBuilder(o: SimulatedMqttDeviceOptions): (t: number) => Messages {
  const seed = o.seed ?? 7;
  const measuresPv = (o.measures ?? (o.kind === "opendtu" ? "pv" : "load")) === "pv";
  const kwp = o.kwp ?? (o.kind === "shelly-pro3em" ? 0 : 0.8);
  const peakW = o.peakW ?? (o.kind === "shelly-pro3em" ? 15_000 : 2000);
  const reading = (t: number) => (measuresPv ? pvReading(t, kwp, seed) : loadReading(t, peakW, seed));
  const json = (topic: string, body: unknown): [string, string] => [topic, JSON.stringify(body)];
  switch (o.kind) {
    case "shelly-plus1pm": {
      const energy = new EnergyCounter(152_340);
      return (t) => {
        const r = reading(t);
        return [json(`${o.topic}/status/switch:0`, shellySwitchStatus(r, energy.add(t, r.powerW), 0, t))];
      };
    }
    case "shelly-pro3em":
      return pro3em(o.topic, kwp, peakW, seed, json);
    case "tasmota": {
      const day = new DayCounter(1_234_567, o.timeZone ?? "Africa/Casablanca");
      return (t) => {
        const r = reading(t);
        day.add(t, r.powerW);
        const body = tasmotaSensor(r, day.totalWh, day.todayWh, day.yesterdayWh, day.localTime(t));
        return [json(`tele/${o.topic}/SENSOR`, body)];
      };
    }
    case "opendtu": {
      const day = new DayCounter(1_234_567, "Africa/Casablanca");
      const inputs = [new EnergyCounter(617_300), new EnergyCounter(598_100)];
      return (t) => {
        const r = pvReading(t, kwp, seed, inputs.length);
        day.add(t, r.powerW);
        const inputTotals = inputs.map((c, i) => c.add(t, r.dcInputsW[i] ?? 0));
        return opendtuMessages(r, day.totalWh, day.todayWh, inputTotals).map(([rel, v]) => [
          `${o.topic}/${rel}`,
          v,
        ]);
      };
    }
  }
}

/** A Pro 3EM at the grid connection: the load on three phases, minus PV spread evenly, import/export per phase. */
function pro3em(
  topic: string,
  kwp: number,
  peakW: number,
  seed: number,
  json: (t: string, b: unknown) => [string, string],
) {
  const imports = [0, 1, 2].map(() => new EnergyCounter(2_000_000));
  const exports = [0, 1, 2].map(() => new EnergyCounter(150_000));
  const shares = [0.4, 0.35, 0.25];
  return (t: number): Messages => {
    const pvW = kwp > 0 ? pvReading(t, kwp, seed).powerW : 0;
    const load = loadW(t, peakW, seed);
    const grid = loadReading(t, peakW, seed);
    const phases = shares.map((share, i): PhaseReading => {
      const powerW = load * share - pvW / 3;
      const voltageV = grid.voltageV * (1 + 0.004 * (i - 1));
      const apparentPowerVa = Math.abs(powerW) / grid.powerFactor;
      imports[i]?.add(t, Math.max(powerW, 0));
      exports[i]?.add(t, Math.max(-powerW, 0));
      return { ...grid, powerW, voltageV, apparentPowerVa, currentA: apparentPowerVa / voltageV };
    }) as [PhaseReading, PhaseReading, PhaseReading];
    return [
      json(`${topic}/status/em:0`, shellyEmStatus(phases)),
      json(
        `${topic}/status/emdata:0`,
        shellyEmDataStatus(
          imports.map((c) => c.wh),
          exports.map((c) => c.wh),
        ),
      ),
    ];
  };
}

/** A lifetime counter with today's and yesterday's share, days counted in the device's local time. */
class DayCounter {
  readonly #counter: EnergyCounter;
  readonly #format: Intl.DateTimeFormat;
  #day = "";
  #dayStartWh: number;
  yesterdayWh = 0;

  constructor(startWh: number, timeZone: string) {
    this.#counter = new EnergyCounter(startWh);
    this.#dayStartWh = startWh;
    // sv-SE writes "2026-11-29 12:00:00": ISO-like, as Tasmota's Time.
    this.#format = new Intl.DateTimeFormat("sv-SE", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
  }

  get totalWh(): number {
    return this.#counter.wh;
  }

  get todayWh(): number {
    return this.#counter.wh - this.#dayStartWh;
  }

  localTime(t: number): string {
    return this.#format.format(t).replace(" ", "T");
  }

  add(t: number, w: number): void {
    const total = this.#counter.add(t, w);
    const day = this.localTime(t).slice(0, 10);
    if (day !== this.#day) {
      if (this.#day !== "") this.yesterdayWh = total - this.#dayStartWh;
      this.#day = day;
      this.#dayStartWh = total;
    }
  }
}

// startProfileDevice: any device profile served on a real Modbus TCP socket, from a table of values or a
// value generator running on a sim clock, with fault hooks (pump failure, stuck sensor).
import type { PointInput } from "@jisr/gateway/profiles";
import { loadProfile, type Profile } from "@jisr/gateway/profiles";
import { type Logger, pino } from "pino";
import { createSimClock, type SimClock } from "../clock.js";
import { entryAt, RingBuffer } from "../history.js";
import { startUnpluggable } from "../unpluggable-server.js";
import { type DeviceFaults, type GeneratorName, namedGenerator, type ValueGenerator } from "./generators.js";
import { ProfileImage } from "./image.js";
import { type ServedRequest, startImageServer } from "./server.js";

export interface ProfileDeviceOptions {
  /** A loaded profile, a built-in profile name, or a .yaml path. */
  profile: Profile | string;
  host?: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  unit?: number;
  /** Values at start, by point or field name, in the point's unit (names for enums and bitfields). */
  values?: Record<string, PointInput>;
  /** Values over sim time (applied on every tick, after `values`). */
  generator?: ValueGenerator | GeneratorName;
  /** Sim ms per wall ms (default 1). */
  speed?: number;
  /** Sim instant at startup (default now). */
  start?: Date;
  /** Wall ms between generator ticks; 0: only on tick() (default 1000). */
  tickMs?: number;
  seed?: number;
  /** Value of the identify register(s); see ProfileImage. */
  identity?: number | string;
  /** Answer exception 2 for registers no point covers. */
  strictGaps?: boolean;
  historySize?: number;
  /** Wall clock (ms since the epoch), for tests that move time themselves. */
  wallNow?: () => number;
  logger?: Logger;
}

/** What was served from wall instant `at` (sim instant `simAt`) on, by point name. */
export interface ServedValues {
  at: number;
  simAt: number;
  values: Record<string, PointInput>;
}

export interface ProfileDeviceHandle {
  port: number;
  unit: number;
  profile: Profile;
  clock: SimClock;
  /** Serves a new value now (by point or field name). */
  set(name: string, value: PointInput): void;
  get(name: string): PointInput | undefined;
  /** The values in effect at a wall instant (ms), if still in the history. */
  servedAt(wallMs: number): ServedValues | undefined;
  /** Runs the generator to the sim clock's now. */
  tick(): void;
  /** Merges faults in: `{ pumpFailure: true }`, `{ stuck: ["tank_top_temperature_c"] }`. */
  setFault(patch: DeviceFaults): void;
  readonly faults: Readonly<DeviceFaults>;
  /**
   * Communication loss and back: offline closes the Modbus server and its connections (a cut cable);
   * online serves the same device again on the same port.
   */
  setOnline(online: boolean): Promise<void>;
  readonly online: boolean;
  /** Every read request received, oldest first. */
  requests: ServedRequest[];
  close(): Promise<void>;
}

function isStuck(image: ProfileImage, faults: DeviceFaults, name: string): boolean {
  if (!faults.stuck?.length) return false;
  const points = image.pointsNamed(name).map((p) => p.name);
  return faults.stuck.some((s) => s === name || points.includes(s));
}

export async function startProfileDevice(opts: ProfileDeviceOptions): Promise<ProfileDeviceHandle> {
  const profile = typeof opts.profile === "string" ? loadProfile(opts.profile) : opts.profile;
  const unit = opts.unit ?? 1;
  const logger = (opts.logger ?? pino({ level: "silent" })).child({ component: "sim-profile-device", unit });
  const image = new ProfileImage(profile, {
    ...(opts.identity !== undefined && { identity: opts.identity }),
    ...(opts.strictGaps !== undefined && { strictGaps: opts.strictGaps }),
  });
  const clock = createSimClock({
    speed: opts.speed ?? 1,
    ...(opts.start && { start: opts.start }),
    ...(opts.wallNow && { wallNow: opts.wallNow }),
  });
  const history = new RingBuffer<ServedValues>(opts.historySize ?? 10_000);
  const snapshot = () => history.push({ at: clock.wallNow(), simAt: clock.now(), values: image.values() });
  const generator =
    typeof opts.generator === "string" ? namedGenerator(opts.generator, opts.seed) : opts.generator;
  let faults: DeviceFaults = {};

  for (const [name, value] of Object.entries(opts.values ?? {})) image.set(name, value);
  const tick = () => {
    if (!generator) return;
    for (const [name, value] of Object.entries(generator.at(clock.now(), faults))) {
      // A generator may know fields this profile does not have (a meter without per-phase values).
      if (image.pointsNamed(name).length > 0 && !isStuck(image, faults, name)) image.set(name, value);
    }
    snapshot();
  };
  tick();
  if (!generator) snapshot();

  const requests: ServedRequest[] = [];
  const serve = (port: number) =>
    startImageServer(image, { host: opts.host ?? "127.0.0.1", port, unit, logger, requests });
  const link = await startUnpluggable(serve, opts.port ?? 0, (online, port) =>
    logger.info({ port, online }, "link changed"),
  );
  const port = link.port;
  const tickMs = opts.tickMs ?? 1000;
  const timer = generator && tickMs > 0 ? setInterval(tick, tickMs) : undefined;
  logger.info({ port, profile: profile.name, speed: clock.speed }, "simulated profile device listening");
  let closed = false;
  return {
    port,
    unit,
    profile,
    clock,
    set(name, value) {
      image.set(name, value);
      snapshot();
    },
    get: (name) => image.get(name),
    servedAt: (wallMs) => entryAt(history, wallMs),
    tick,
    setFault(patch) {
      faults = { ...faults, ...patch };
      tick();
    },
    get faults() {
      return faults;
    },
    setOnline: (online) => link.setOnline(online),
    get online() {
      return link.online;
    },
    requests,
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      await link.close();
    },
  };
}

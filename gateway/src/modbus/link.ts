/**
 * A ModbusLink on modbus-serial 8 (TECH-NOTES "Modbus with modbus-serial 8"): one client per bus, kept
 * open, recreated when it is lost.
 *
 * - Serialised requests. RTU has no transaction id: an answer is matched to a request only by arriving
 *   while that request is the one in flight, so two requests at once on a serial line both time out or
 *   get each other's answers. A TCP-to-RTU converter forwards onto such a line, so an endpoint with more
 *   than one unit id configured is serialised too; a plain Modbus TCP device (one unit) matches answers by
 *   the MBAP transaction id and takes concurrent requests. The unit id is set before every request.
 * - Timeouts are always set (modbus-serial has none by default), per request, and a guard timer makes sure
 *   a request settles even if modbus-serial drops it (it does on destroy).
 * - A lost socket, a closed port or "Port Not Open" destroys the client (modbus-serial cannot reopen it);
 *   the next request opens a new one, and failed opens back off exponentially.
 * - On TCP, timeouts in a row with no answer in between drop the socket too: a half-open connection (the
 *   device rebooted, a NAT forgot us) shows only as silence. On a serial line a timeout is one unit's
 *   silence (a wrong unit id looks exactly like that) and the line stays open for the others.
 * - Fairness on a one-at-a-time line: a unit whose last request went unanswered (or that never answered
 *   yet) holds the line for a whole timeout each time it is asked, so its requests wait behind those of
 *   the units that answer (with data or an exception: both are quick).
 *   Together with the poller's backoff of offline devices, a silent unit costs the others at most one
 *   timeout now and then instead of every slot (issue 13).
 * - Load: the wire time of each request is kept for LOAD_WINDOW_MS, per unit, so `jisr gateway status`
 *   can say how busy a line is and which unit costs it.
 */
import { type Logger, pino } from "pino";
import { type BackoffOptions, backoffDelay } from "../util/backoff.js";
import { type ModbusRTU, toLinkError } from "./client.js";
import { type ModbusLinkError, ModbusTimeoutError, ModbusTransportError } from "./errors.js";
import type { LinkLoad, LinkStats, ModbusLink, RegisterTable } from "./link-types.js";
import { checkRange, emptyStats, interFrameGapMs, sendRead } from "./requests.js";
import { describeTarget, destroyClient, isSerial, type LinkTarget, openClient } from "./target.js";

export interface LinkOptions {
  /**
   * Whether requests go one at a time. Serial links always do; for TCP, a function is asked before each
   * request (the pool answers "more than one unit id on this endpoint"). Default for TCP: concurrent.
   */
  serialise?: boolean | (() => boolean);
  /** Bounds opening a TCP connection (ms); 3000 by default. */
  connectTimeoutMs?: number;
  /** Delays between failed opens. */
  reconnect?: Omit<BackoffOptions, "random">;
  /** TCP: drop the socket after this many timeouts in a row with no answer in between (2). */
  timeoutsBeforeReconnect?: number;
  /** The gateway's clock (epoch ms), for the reconnect backoff; Date.now by default. */
  clock?: () => number;
  logger?: Logger;
}

/** A link that also reports what it is doing. */
export interface ManagedLink extends ModbusLink {
  readonly target: LinkTarget;
  /** Whether the next request will wait for the one in flight. */
  readonly serialised: boolean;
  /** Whether the socket or port is open now (it opens again on the next request if not). */
  readonly isOpen: boolean;
  connect(): Promise<void>;
  stats(): LinkStats;
  /** Wire time over the last minute, per unit. */
  load(): LinkLoad;
}

/** How far back load() looks. */
export const LOAD_WINDOW_MS = 60_000;

/** One request's time on the wire, for load(). */
interface WireTime {
  unit: number;
  start: number;
  end: number;
  timedOut: boolean;
}

/** A request waiting for the line. */
interface Waiter {
  unit: number;
  go: () => void;
}

const DEFAULT_RECONNECT = { initialMs: 500, maxMs: 30_000 };
/** Extra time the guard timer gives modbus-serial's own timeout before settling a request itself. */
const GUARD_MS = 1000;

class Link implements ManagedLink {
  readonly target: LinkTarget;
  readonly where: string;
  readonly #o: LinkOptions;
  readonly #clock: () => number;
  readonly #log: Logger;
  readonly #stats = emptyStats();
  /** Rejecters of the requests on the wire, to settle them when the client goes away. */
  readonly #pending = new Set<(err: Error) => void>();
  #client: ModbusRTU | undefined;
  #connecting: Promise<ModbusRTU> | undefined;
  /** Whether a request holds the one-at-a-time line, and who waits for it, in arrival order. */
  #lineBusy = false;
  readonly #waiting: Waiter[] = [];
  /** Units whose last request was answered (data or exception): they go first on a one-at-a-time line. */
  readonly #answering = new Set<number>();
  /** Wire times of the last LOAD_WINDOW_MS, oldest first. */
  readonly #wire: WireTime[] = [];
  #openFailures = 0;
  #retryAt = 0;
  #lastOpenError: ModbusLinkError | undefined;
  #timeoutsInARow = 0;
  /** When the last frame on a serial line ended (performance.now()), for the silent interval. */
  #lineQuietSince = 0;
  #closed = false;

  constructor(target: LinkTarget, options: LinkOptions) {
    this.target = target;
    this.where = describeTarget(target);
    this.#o = options;
    this.#clock = options.clock ?? Date.now;
    this.#log = (options.logger ?? pino({ level: "silent" })).child({
      component: "modbus-link",
      bus: this.where,
    });
  }

  get serialised(): boolean {
    const s = this.#o.serialise;
    return isSerial(this.target) || (typeof s === "function" ? s() : s === true);
  }

  get isOpen(): boolean {
    return this.#client?.isOpen === true;
  }

  stats(): LinkStats {
    return { ...this.#stats };
  }

  async connect(): Promise<void> {
    await this.#ensureClient();
  }

  read(
    unit: number,
    table: RegisterTable,
    address: number,
    count: number,
    timeoutMs: number,
  ): Promise<number[]> {
    try {
      checkRange(table, address, count);
    } catch (err) {
      return Promise.reject(err);
    }
    const request = () => this.#request(unit, table, address, count, timeoutMs);
    return this.serialised ? this.#oneAtATime(unit, request) : request();
  }

  load(): LinkLoad {
    const now = performance.now();
    this.#forgetOldWireTimes(now);
    const from = now - LOAD_WINDOW_MS;
    const units = new Map<number, { unit: number; busy_ms: number; requests: number; timeouts: number }>();
    let busy = 0;
    for (const w of this.#wire) {
      const ms = Math.max(0, w.end - Math.max(w.start, from));
      busy += ms;
      const u = units.get(w.unit) ?? { unit: w.unit, busy_ms: 0, requests: 0, timeouts: 0 };
      u.busy_ms += ms;
      u.requests++;
      if (w.timedOut) u.timeouts++;
      units.set(w.unit, u);
    }
    const round = (u: { unit: number; busy_ms: number; requests: number; timeouts: number }) => ({
      ...u,
      busy_ms: Math.round(u.busy_ms),
    });
    return {
      window_ms: LOAD_WINDOW_MS,
      busy_ms: Math.round(busy),
      units: [...units.values()].sort((a, b) => b.busy_ms - a.busy_ms).map(round),
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#drop(new ModbusTransportError("link closed", { where: this.where }));
  }

  async #oneAtATime<T>(unit: number, run: () => Promise<T>): Promise<T> {
    if (this.#lineBusy) await new Promise<void>((go) => this.#waiting.push({ unit, go }));
    this.#lineBusy = true;
    try {
      return await run();
    } finally {
      this.#nextOnTheLine();
    }
  }

  /** Hands the line to the first waiting request of a unit that answers; else to the first one waiting. */
  #nextOnTheLine(): void {
    const i = this.#waiting.findIndex((w) => this.#answering.has(w.unit));
    const [next] = this.#waiting.splice(i === -1 ? 0 : i, 1);
    if (next) next.go();
    else this.#lineBusy = false;
  }

  #recordWireTime(unit: number, start: number, timedOut: boolean): void {
    const end = performance.now();
    this.#wire.push({ unit, start, end, timedOut });
    this.#forgetOldWireTimes(end);
  }

  #forgetOldWireTimes(now: number): void {
    while (this.#wire.length > 0 && (this.#wire[0]?.end ?? now) < now - LOAD_WINDOW_MS) this.#wire.shift();
  }

  async #request(
    unit: number,
    table: RegisterTable,
    address: number,
    count: number,
    timeoutMs: number,
  ): Promise<number[]> {
    const client = await this.#ensureClient();
    await this.#waitForSilence();
    const s = this.#stats;
    s.requests++;
    s.inFlight++;
    s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
    const start = performance.now();
    try {
      const data = await this.#send(client, unit, table, address, count, timeoutMs);
      s.answered++;
      this.#timeoutsInARow = 0;
      this.#answering.add(unit);
      this.#recordWireTime(unit, start, false);
      return data;
    } catch (err) {
      const error = toLinkError(err, { where: this.where, unit, timeoutMs });
      if (error.kind === "exception") this.#answering.add(unit);
      else if (error.kind === "timeout") this.#answering.delete(unit);
      this.#recordWireTime(unit, start, error.kind === "timeout");
      await this.#afterFailure(error, client);
      throw error;
    } finally {
      s.inFlight--;
      this.#lineQuietSince = performance.now();
    }
  }

  /** One request, settled exactly once: by modbus-serial, by the guard timer, or by #drop. */
  #send(
    client: ModbusRTU,
    unit: number,
    table: RegisterTable,
    address: number,
    count: number,
    timeoutMs: number,
  ): Promise<number[]> {
    return new Promise((resolve, reject) => {
      const settle = (err: unknown, data?: number[]) => {
        clearTimeout(guard);
        this.#pending.delete(settle);
        if (err === undefined && data) resolve(data);
        else reject(err);
      };
      const guard = setTimeout(
        () => settle(new ModbusTimeoutError(timeoutMs, { where: this.where, unit })),
        timeoutMs + GUARD_MS,
      );
      this.#pending.add(settle);
      // Both are read synchronously when the request is written, so concurrent requests cannot mix them up.
      client.setID(unit);
      client.setTimeout(timeoutMs);
      sendRead(client, table, address, count).then(
        (data) => settle(undefined, data),
        (err: unknown) => settle(err ?? new Error("modbus-serial rejected without a reason")),
      );
    });
  }

  async #afterFailure(error: ModbusLinkError, client: ModbusRTU): Promise<void> {
    const s = this.#stats;
    if (error.kind === "exception") {
      s.exceptions++;
      this.#timeoutsInARow = 0; // the device answered: the connection is fine
    } else if (error.kind === "timeout") {
      s.timeouts++;
      this.#timeoutsInARow++;
      const limit = this.#o.timeoutsBeforeReconnect ?? 2;
      if (!isSerial(this.target) && this.#timeoutsInARow >= limit && client === this.#client) {
        this.#log.debug({ timeouts: this.#timeoutsInARow }, "No answer several times in a row; reconnecting");
        await this.#drop(
          new ModbusTransportError("connection dropped after repeated timeouts", {
            where: this.where,
            cause: error,
          }),
        );
      }
    } else if (error.kind === "connection") {
      s.transportErrors++;
      if (client === this.#client) await this.#drop(error);
    } else {
      s.frameErrors++;
    }
  }

  /** The open client, opening one if needed (one open at a time, with backoff after failures). */
  async #ensureClient(): Promise<ModbusRTU> {
    if (this.#closed) throw new ModbusTransportError("link closed", { where: this.where });
    if (this.#client?.isOpen) return this.#client;
    if (this.#client) await this.#drop(new ModbusTransportError("connection lost", { where: this.where }));
    if (this.#connecting !== undefined) return this.#connecting;
    const wait = this.#retryAt - this.#clock();
    if (wait > 0 && this.#lastOpenError) {
      throw new ModbusTransportError(`${this.#lastOpenError.message}; next attempt in ${wait} ms`, {
        where: this.where,
        cause: this.#lastOpenError,
      });
    }
    this.#connecting = this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #open(): Promise<ModbusRTU> {
    let client: ModbusRTU;
    try {
      client = await openClient(this.target, this.#o.connectTimeoutMs ?? 3000);
    } catch (err) {
      this.#stats.connectFailures++;
      this.#openFailures++;
      this.#retryAt =
        this.#clock() + backoffDelay(this.#openFailures, this.#o.reconnect ?? DEFAULT_RECONNECT);
      this.#lastOpenError = toLinkError(err, { where: this.where, unit: 0, timeoutMs: 0 });
      this.#log.debug({ err: this.#lastOpenError.message, failures: this.#openFailures }, "Cannot open");
      throw this.#lastOpenError;
    }
    if (this.#closed) {
      await destroyClient(client);
      throw new ModbusTransportError("link closed", { where: this.where });
    }
    this.#openFailures = 0;
    this.#timeoutsInARow = 0;
    this.#stats.connects++;
    this.#client = client;
    // The peer closed the socket, or the serial port vanished (adapter unplugged): settle what is in flight now
    // rather than after its timeout.
    client.on("close", () => {
      if (client === this.#client)
        void this.#drop(new ModbusTransportError("connection closed", { where: this.where }));
    });
    this.#log.debug({ connects: this.#stats.connects }, "Opened");
    return client;
  }

  /** Destroys the client (if any) and rejects the requests on the wire with `reason`. */
  async #drop(reason: ModbusLinkError): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    for (const settle of [...this.#pending]) settle(reason);
    if (!client) return;
    this.#log.debug({ reason: reason.message }, "Closing the connection");
    await destroyClient(client);
  }

  /** On a serial line, keeps the 3.5-character silence between the last frame and the next request. */
  async #waitForSilence(): Promise<void> {
    if (!isSerial(this.target)) return;
    const wait = this.#lineQuietSince + interFrameGapMs(this.target.serial.baud) - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
  }
}

/** A link that opens its socket or port on the first request (or connect()). */
export function createModbusLink(target: LinkTarget, options: LinkOptions = {}): ManagedLink {
  return new Link(target, options);
}

/**
 * Opens a link to `target` now (rejecting with a ModbusTransportError that names it if it cannot), for
 * one-off tools such as `jisr gateway read` and `scan`. A gateway shares links through a LinkPool instead.
 */
export async function openModbusLink(target: LinkTarget, options: LinkOptions = {}): Promise<ManagedLink> {
  const link = createModbusLink(target, options);
  try {
    await link.connect();
  } catch (err) {
    await link.close();
    throw err;
  }
  return link;
}

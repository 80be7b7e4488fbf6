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
 */
import { type Logger, pino } from "pino";
import { type BackoffOptions, backoffDelay } from "../util/backoff.js";
import { type ModbusRTU, toLinkError } from "./client.js";
import { type ModbusLinkError, ModbusTimeoutError, ModbusTransportError } from "./errors.js";
import type { LinkStats, ModbusLink, RegisterTable } from "./link-types.js";
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
  /** The last request in the one-at-a-time queue. */
  #tail: Promise<void> = Promise.resolve();
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
    return this.serialised ? this.#oneAtATime(request) : request();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#drop(new ModbusTransportError("link closed", { where: this.where }));
  }

  async #oneAtATime<T>(run: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let done = () => {};
    this.#tail = new Promise<void>((resolve) => {
      done = resolve;
    });
    await previous;
    try {
      return await run();
    } finally {
      done();
    }
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
    try {
      const data = await this.#send(client, unit, table, address, count, timeoutMs);
      s.answered++;
      this.#timeoutsInARow = 0;
      return data;
    } catch (err) {
      const error = toLinkError(err, { where: this.where, unit, timeoutMs });
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

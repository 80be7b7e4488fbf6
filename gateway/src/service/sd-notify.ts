/**
 * The systemd notify protocol (sd_notify(3)): READY=1 once the gateway runs, WATCHDOG=1 every half
 * WatchdogSec while its event loop turns, STOPPING=1 on the way out, STATUS=... for `systemctl status`.
 *
 * Why `systemd-notify` and not a datagram from Node: $NOTIFY_SOCKET is a unix DATAGRAM socket, and Node
 * has no AF_UNIX SOCK_DGRAM (node:dgram is UDP only, node:net is stream only); no maintained npm
 * package does it without a native addon to build on every ARM box. systemd-notify ships with systemd,
 * so it is on every machine that sets $NOTIFY_SOCKET. It waits until systemd has taken the message
 * (since systemd 246), so the unit needs NotifyAccess=all (the message comes from its child process).
 *
 * Outside systemd ($NOTIFY_SOCKET unset) every call does nothing.
 */
import { execFile } from "node:child_process";
import type { Logger } from "pino";

export interface SdNotifier {
  /** Whether a service manager listens ($NOTIFY_SOCKET set). */
  readonly active: boolean;
  /** How often the watchdog must be fed, ms (half of WatchdogSec); undefined without a watchdog. */
  readonly watchdogIntervalMs: number | undefined;
  /** Sends the assignments ("READY=1", "STATUS=..."); resolves once sent (never rejects). */
  notify(...assignments: string[]): Promise<void>;
  /** READY=1 now, then WATCHDOG=1 every watchdogIntervalMs, until stop(). */
  start(status?: string): Promise<void>;
  /** Stops the watchdog and sends STOPPING=1. */
  stop(): Promise<void>;
}

export interface SdNotifyOptions {
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** The systemd-notify binary (tests may point elsewhere). */
  binary?: string;
}

export function sdNotifier(options: SdNotifyOptions = {}): SdNotifier {
  const env = options.env ?? process.env;
  const socket = env.NOTIFY_SOCKET;
  const binary = options.binary ?? "systemd-notify";
  const watchdogIntervalMs = watchdogInterval(env);
  let timer: NodeJS.Timeout | undefined;
  let warned = false;

  const notify = (...assignments: string[]): Promise<void> => {
    if (!socket || assignments.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      execFile(binary, assignments, { env: { ...env, NOTIFY_SOCKET: socket }, timeout: 10_000 }, (err) => {
        if (err && !warned) {
          // Once: a broken notify means systemd will restart us on the watchdog, which the log explains.
          warned = true;
          options.logger?.warn({ err: err.message }, `Cannot notify systemd (${binary}): ${err.message}`);
        }
        resolve();
      });
    });
  };

  return {
    active: socket !== undefined && socket !== "",
    watchdogIntervalMs,
    notify,
    async start(status) {
      await notify("READY=1", ...(status ? [`STATUS=${status}`] : []));
      if (watchdogIntervalMs === undefined || !socket) return;
      timer = setInterval(() => void notify("WATCHDOG=1"), watchdogIntervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await notify("STOPPING=1");
    },
  };
}

/**
 * Half of $WATCHDOG_USEC in ms, as sd_watchdog_enabled(3) advises; undefined when no watchdog is asked
 * for, or when $WATCHDOG_PID names another process (the watchdog is then someone else's).
 */
export function watchdogInterval(env: NodeJS.ProcessEnv): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return undefined;
  if (env.WATCHDOG_PID !== undefined && Number(env.WATCHDOG_PID) !== process.pid) return undefined;
  return Math.max(1, Math.floor(usec / 2000));
}

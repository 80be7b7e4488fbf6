/**
 * `jisr ingest --workers N`: N processes serve the same port (node:cluster; the primary accepts and hands
 * connections round-robin). Each worker is a whole ingestion service with its own group committer and
 * cap, so every guarantee of one process holds in each (a 204 means that worker wrote the points). The
 * primary serves nothing itself; it restarts a worker that dies, with the same index, so that a worker's
 * MQTT client id (and the broker's session for it) stays the same across restarts.
 */
import cluster, { type Worker } from "node:cluster";
import type { Logger } from "pino";

/** Set by the primary on each worker: 0..N-1, the same for the worker that replaces it. */
export const WORKER_INDEX_ENV = "JISR_INGEST_WORKER_INDEX";

/** The index of this process among the workers, or undefined when it is not a worker. */
export function workerIndex(): number | undefined {
  if (!cluster.isWorker) return undefined;
  const raw = process.env[WORKER_INDEX_ENV];
  return raw === undefined ? undefined : Number(raw);
}

/** A worker that dies sooner than this after its start is restarted after a pause (a crash loop). */
const QUICK_DEATH_MS = 5_000;
const RESTART_PAUSE_MS = 1_000;

/**
 * Runs the primary: forks `count` workers, restarts any that dies until `stop` resolves, then stops
 * them all (SIGTERM, each closes its server and store) and resolves when they have exited.
 */
export async function runPrimary(count: number, log: Logger, stop: Promise<unknown>): Promise<void> {
  let stopping = false;
  const started = new Map<Worker, { index: number; at: number }>();
  const fork = (index: number) => {
    const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index) });
    started.set(worker, { index, at: Date.now() });
    log.info({ worker: index, workerPid: worker.process.pid }, "Worker started");
  };
  cluster.on("exit", (worker, code, signal) => {
    const info = started.get(worker);
    started.delete(worker);
    if (stopping || !info) return;
    const quick = Date.now() - info.at < QUICK_DEATH_MS;
    log.error(
      { worker: info.index, workerPid: worker.process.pid, code, signal },
      "Worker died; restarting it",
    );
    setTimeout(
      () => {
        if (!stopping) fork(info.index);
      },
      quick ? RESTART_PAUSE_MS : 0,
    );
  });
  for (let i = 0; i < count; i++) fork(i);
  await stop;
  stopping = true;
  const exits = [...started.keys()].map(
    (w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once("exit", () => resolve()))),
  );
  for (const w of started.keys()) w.process.kill("SIGTERM");
  // A worker that cannot finish closing in 30 s is stopped hard: it has acknowledged nothing unwritten
  // (a 204 follows the write), so only unanswered requests are cut, and their senders retry.
  const hard = setTimeout(() => {
    for (const w of started.keys()) if (!w.isDead()) w.process.kill("SIGKILL");
  }, 30_000);
  await Promise.all(exits);
  clearTimeout(hard);
}

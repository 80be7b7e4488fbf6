/**
 * SQLite's error codes, turned into what a technician on site should do (STYLE.md habit 10): a damaged
 * file is moved aside, a full disk is given room, a folder is given the right owner.
 */
import { OutboxError } from "./outbox.js";

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The advice for a damaged queue file, also shown by `jisr gateway status`. */
export function damagedAdvice(path: string): string {
  return (
    `stop the gateway, move "${path}" and its "-wal" and "-shm" files aside (e.g. into a folder named ` +
    `"damaged"), and start the gateway again: it starts with an empty queue; the readings still in the ` +
    "damaged file are not sent"
  );
}

/** An OutboxError that says what to do, for the SQLite failures a technician can fix; else `err` itself. */
export function outboxFailure(err: unknown, path: string, doing: string): unknown {
  if (err instanceof OutboxError) return err;
  const code = String((err as { code?: unknown }).code ?? "");
  const why = message(err);
  if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB")
    return new OutboxError(`Queue file "${path}" is damaged (${why}): ${damagedAdvice(path)}`, {
      cause: err,
    });
  if (code === "SQLITE_FULL" || code === "ENOSPC")
    return new OutboxError(
      `Disk full while trying to ${doing} in "${path}": free space on this disk, or lower buffer.max_bytes`,
      { cause: err },
    );
  if (["SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "EACCES", "EPERM", "EROFS"].includes(code))
    return new OutboxError(
      `Cannot ${doing} in "${path}" (${why}): check that the folder (data_dir) exists and that the ` +
        "gateway's user may write to it and to the files in it",
      { cause: err },
    );
  if (code.startsWith("SQLITE_IOERR") || code === "EIO")
    return new OutboxError(
      `Disk error while trying to ${doing} in "${path}" (${why}): check the disk or SD card (dmesg)`,
      { cause: err },
    );
  return err;
}

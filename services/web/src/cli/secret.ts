/**
 * Reading a password for `jisr user add`: typed at a terminal without echo (asked twice), or the first
 * line of stdin when piped (`printf '%s\n' "$PW" | jisr user add ...`). Never echoed, never logged.
 */
import type { Readable } from "node:stream";

export interface SecretIo {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stderr: { write(s: string): unknown };
}

async function firstLine(input: Readable): Promise<string> {
  let text = "";
  for await (const chunk of input) {
    text += String(chunk);
    if (text.includes("\n")) break;
  }
  return (text.split("\n")[0] ?? "").replace(/\r$/, "");
}

/** One line typed at a terminal in raw mode: nothing is echoed; Ctrl-C aborts. */
function typed(io: SecretIo, prompt: string): Promise<string> {
  const input = io.stdin;
  io.stderr.write(prompt);
  input.setRawMode?.(true);
  input.resume();
  return new Promise((resolve, reject) => {
    let value = "";
    const done = (err?: Error) => {
      input.off("data", onData);
      input.setRawMode?.(false);
      input.pause();
      io.stderr.write("\n");
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of String(chunk)) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003") return done(new Error("cancelled"));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on("data", onData);
  });
}

export async function readPassword(io: SecretIo): Promise<string> {
  if (!io.stdin.isTTY) return firstLine(io.stdin);
  const first = await typed(io, "Password: ");
  const again = await typed(io, "Password again: ");
  if (first !== again) throw new Error("the two passwords differ");
  return first;
}

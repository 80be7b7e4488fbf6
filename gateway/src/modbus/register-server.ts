import { createServer } from "node:net";
import { ServerTCP } from "modbus-serial";

/**
 * A real Modbus TCP server on loopback serving fixed register banks (holding, or input with
 * `table: "input"`), for tests of code that reads devices. Registers outside every bank answer "illegal
 * data address", as real devices do.
 */

export interface RegisterBank {
  /** Address of the first register. */
  start: number;
  words: readonly number[];
  /** Holding registers (function code 3) unless "input" (function code 4). */
  table?: "holding" | "input";
}

export interface RegisterServer {
  port: number;
  /** Every holding-register read served, in order. */
  reads: Array<{ address: number; length: number }>;
  /** Every input-register read served, in order. */
  inputReads: Array<{ address: number; length: number }>;
  close(): Promise<void>;
}

/** Modbus exception 2 ("illegal data address"); modbus-serial's server sends `modbusErrorCode`. */
class IllegalAddress extends Error {
  readonly modbusErrorCode = 2;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function lookup(
  banks: readonly RegisterBank[],
  address: number,
  length: number,
  table: "holding" | "input" = "holding",
): number[] {
  const bank = banks.find(
    (b) =>
      (b.table ?? "holding") === table && address >= b.start && address + length <= b.start + b.words.length,
  );
  if (!bank) throw new IllegalAddress(`no registers at ${address}+${length}`);
  return bank.words.slice(address - bank.start, address - bank.start + length);
}

function listen(vector: ConstructorParameters<typeof ServerTCP>[0], port: number): Promise<ServerTCP> {
  return new Promise((resolve, reject) => {
    const server = new ServerTCP(vector, { host: "127.0.0.1", port, unitID: 255 });
    server.once("initialized", () => resolve(server));
    server.once("serverError", reject);
  });
}

/**
 * Starts the server. With `silent`, it accepts connections but never answers (a device that
 * ignores us), to exercise timeouts.
 */
export async function startRegisterServer(
  banks: readonly RegisterBank[],
  options: { silent?: boolean } = {},
): Promise<RegisterServer> {
  const reads: RegisterServer["reads"] = [];
  const inputReads: RegisterServer["inputReads"] = [];
  const never = () => new Promise<number>(() => {});
  const vector = {
    getHoldingRegister: (address: number) => {
      reads.push({ address, length: 1 });
      return options.silent ? never() : (lookup(banks, address, 1)[0] ?? 0);
    },
    getMultipleHoldingRegisters: (address: number, length: number) => {
      reads.push({ address, length });
      return options.silent ? Array.from({ length }, never) : lookup(banks, address, length);
    },
    getInputRegister: (address: number) => {
      inputReads.push({ address, length: 1 });
      return options.silent ? never() : (lookup(banks, address, 1, "input")[0] ?? 0);
    },
    getMultipleInputRegisters: (address: number, length: number) => {
      inputReads.push({ address, length });
      return options.silent ? Array.from({ length }, never) : lookup(banks, address, length, "input");
    },
  };
  // The free port is found first and may be taken in between: try a few times.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      const server = await listen(vector, port);
      const close = () =>
        new Promise<void>((resolve) => {
          for (const sock of server.socks.keys()) sock.destroy();
          server.close(() => resolve());
        });
      return { port, reads, inputReads, close };
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

/**
 * Keeps the serialport package unloaded in a gateway without RS-485 devices (issue 13, footprint).
 * modbus-serial requires serialport as soon as it is loaded, for its RTU port and serial server, even
 * when only Modbus TCP is used; serialport and its native bindings and parsers cost about 10 MiB of
 * resident memory, an eighth of the budget of a small box. Its requires sit in try/catch ("optional
 * native dep"), so a stand-in placed in the require cache before modbus-serial loads makes it skip them.
 * Only for the process of `jisr gateway run` with a config that has no `serial` device: the config is
 * read once at start, so no serial device can appear later in this process.
 */
import { createRequire, Module } from "node:module";
import { dirname } from "node:path";

const require = createRequire(import.meta.url);

/**
 * Puts the stand-in in place; false when it cannot (serialport already loaded, or not installed).
 * Anything that still asks for a serial port gets an error saying why.
 */
export function keepSerialPortUnloaded(): boolean {
  let path: string;
  try {
    path = require.resolve("serialport", { paths: [dirname(require.resolve("modbus-serial"))] });
  } catch {
    return false;
  }
  if (require.cache[path]) return false;
  const standIn = new Module(path);
  standIn.filename = path;
  standIn.loaded = true;
  standIn.exports = new Proxy(
    {},
    {
      get(_target, name) {
        throw new Error(
          `serialport (${String(name)}) is not loaded: this gateway's config has no serial device; restart it after adding one`,
        );
      },
    },
  );
  require.cache[path] = standIn;
  return true;
}

/** Whether serialport has been loaded in this process (for serial-gate.test.ts). */
export function serialPortLoaded(): boolean {
  return Object.keys(require.cache).some(
    (k) =>
      /[\\/]node_modules[\\/](@serialport|serialport)[\\/]/.test(k) &&
      require.cache[k]?.exports !== undefined &&
      !isStandIn(k),
  );
}

function isStandIn(path: string): boolean {
  try {
    const exports = (require.cache[path]?.exports ?? {}) as Record<string, unknown>;
    void exports.SerialPort;
    return false;
  } catch {
    return true;
  }
}

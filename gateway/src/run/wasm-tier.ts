/**
 * Keeps WebAssembly in V8's baseline compiler (Liftoff) in the gateway's process (issue 13, footprint).
 * The uplink posts with fetch, and Node's fetch (undici) parses HTTP with llhttp compiled to WebAssembly.
 * V8 first compiles it with Liftoff, then recompiles the hot functions with TurboFan in the background;
 * that tier-up is a transient of about 30 MiB of native memory on the first uploads, the peak of the whole
 * run (measured: a process posting 20 batches with fetch peaks at 88 MiB with tier-up, 59 MiB without;
 * bench:gateway-footprint shows the jump 10-15 s after start). One upload every few seconds gains nothing
 * from optimised parsing, so the gateway gives it up.
 *
 * NODE_OPTIONS does not accept V8's --liftoff-only, so it is set here, through v8.setFlagsFromString,
 * before anything compiles WebAssembly (nothing in the gateway does before the uplink's first request).
 * The flag only chooses the compiler tier; code compiled either way behaves the same.
 */
import { setFlagsFromString } from "node:v8";

let applied = false;

/** Sets --liftoff-only once per process. Idempotent. */
export function keepWasmInBaselineTier(): void {
  if (applied) return;
  setFlagsFromString("--liftoff-only");
  applied = true;
}

/**
 * Keeps WebAssembly in V8's baseline compiler (Liftoff) in the gateway's process (issue 13, footprint).
 * Node's fetch (undici) parses HTTP with llhttp compiled to WebAssembly. V8 first compiles it with
 * Liftoff, then recompiles the hot functions with TurboFan in the background; that tier-up is a transient
 * of about 30 MiB of native memory on the first requests (measured: a process posting 20 batches with
 * fetch peaks at 88 MiB with tier-up, 59 MiB without). A request every few seconds gains nothing from
 * optimised parsing, so the gateway gives it up.
 *
 * The uplink no longer uses fetch (it posts with node:http, ../uplink/post-batch.ts), so a gateway with
 * the default configuration compiles no WebAssembly at all and this flag changes nothing for it
 * (bench:gateway-footprint: no undici in process.moduleLoadList). It is kept for the gateways that do
 * load undici: the local alerts' webhook (../local/deliver.ts) posts with fetch.
 *
 * NODE_OPTIONS does not accept V8's --liftoff-only, so it is set here, through v8.setFlagsFromString,
 * before anything compiles WebAssembly (nothing in the gateway does before its first fetch).
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

import type { Logger } from "pino";
import { type HoldingRegisterReader, readHoldingRange } from "../modbus/read-registers.js";
import { decodeModel } from "./decode.js";
import {
  type DecodedModel,
  type ModelRef,
  type SunspecDevice,
  SunspecDeviceSchema,
} from "./decoded-schema.js";
import { discoverSunspec, wireError } from "./discover.js";
import { defaultModels, type ModelRegistry } from "./models.js";

export interface ReadSunspecOptions {
  /** Register maps to decode with; defaults to gateway/profiles/sunspec. */
  models?: ModelRegistry;
  /** Base addresses to try, in order; defaults to 40000, 0, 50000. */
  bases?: readonly number[];
  /** Receives one debug line per model read. */
  logger?: Logger;
}

/** Key of a decoded model in SunspecDevice.models: "203", then "203_2" for a second meter, ... */
function modelKey(models: Record<string, DecodedModel>, id: number): string {
  let key = String(id);
  for (let n = 2; key in models; n++) key = `${id}_${n}`;
  return key;
}

async function readModel(client: HoldingRegisterReader, ref: ModelRef): Promise<number[]> {
  try {
    // ID and L are read again with the body, so decodeModel can check it got the right block.
    return await readHoldingRange(client, ref.address, ref.length + 2);
  } catch (err) {
    throw wireError(err, `reading model ${ref.id} at register ${ref.address}`);
  }
}

/**
 * Discovers a SunSpec device on an open Modbus client and reads every model we have a map for,
 * in requests of at most 125 registers. Models without a map are listed in `unknown`, not decoded.
 * Throws SunspecError (not found, timeout, connection, Modbus exception, bad chain).
 */
export async function readSunspecDevice(
  client: HoldingRegisterReader,
  options: ReadSunspecOptions = {},
): Promise<SunspecDevice> {
  const registry = options.models ?? defaultModels();
  const log = options.logger?.child({ component: "sunspec" });
  const { base, models: chain } = await discoverSunspec(client, {
    ...(options.bases && { bases: options.bases }),
  });
  const models: Record<string, DecodedModel> = {};
  const unknown: ModelRef[] = [];
  for (const ref of chain) {
    const map = registry.get(ref.id);
    if (!map) {
      unknown.push(ref);
      continue;
    }
    const words = await readModel(client, ref);
    log?.debug({ model: ref.id, address: ref.address, length: ref.length }, "read SunSpec model");
    models[modelKey(models, ref.id)] = decodeModel(map, words, ref.address);
  }
  return SunspecDeviceSchema.parse({ base, models, unknown });
}

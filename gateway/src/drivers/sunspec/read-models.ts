/**
 * Reads the models of an already discovered SunSpec device. Discovery (finding "SunS" and walking the
 * chain) costs one request per model header, so the driver does it once and then only reads the model
 * bodies on every poll; sunspec/read-device.ts does both in one go, which suits a one-off read.
 */
import { type HoldingRegisterReader, readHoldingRange } from "../../modbus/read-registers.js";
import {
  type DecodedModel,
  decodeModel,
  type ModelRegistry,
  type SunspecDevice,
  type SunspecDiscovery,
  wireError,
} from "../../sunspec/index.js";

/** "203", then "203_2" for a second instance: the keys sunspecToPoints turns into device tags. */
function modelKey(models: Record<string, DecodedModel>, id: number): string {
  let key = String(id);
  for (let n = 2; key in models; n++) key = `${id}_${n}`;
  return key;
}

/** Reads and decodes every model of `discovery` we have a map for. Throws SunspecError on wire failures. */
export async function readDiscoveredModels(
  client: HoldingRegisterReader,
  discovery: SunspecDiscovery,
  registry: ModelRegistry,
  /** Receives, per model key, the clock's time when its block's answer arrived. */
  readAt?: { clock: () => number; times: Map<string, number> },
): Promise<SunspecDevice> {
  const models: Record<string, DecodedModel> = {};
  const unknown = discovery.models.filter((ref) => !registry.has(ref.id));
  for (const ref of discovery.models) {
    const map = registry.get(ref.id);
    if (!map) continue;
    let words: number[];
    try {
      words = await readHoldingRange(client, ref.address, ref.length + 2);
    } catch (err) {
      throw wireError(err, `reading model ${ref.id} at register ${ref.address}`);
    }
    // decodeModel checks the block still starts with the model id: a firmware update that moved the
    // models shows up here, and the driver then discovers again.
    const key = modelKey(models, ref.id);
    readAt?.times.set(key, readAt.clock());
    models[key] = decodeModel(map, words, ref.address);
  }
  return { base: discovery.base, models, unknown };
}

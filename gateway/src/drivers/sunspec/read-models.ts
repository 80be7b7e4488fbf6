/**
 * Reads the models of an already discovered SunSpec device. Discovery (finding "SunS" and walking the
 * chain) costs one request per model header, so the driver does it once and then only reads the model
 * bodies on every poll; sunspec/read-device.ts does both in one go, which suits a one-off read.
 *
 * Each request costs a round trip (on RS-485, bus time every other unit waits for) and, on the gateway,
 * a socket write and read with their timers: the poll reads as few as it can. Models whose map yields no
 * reading (the common model 1, the nameplate 120: static text and ratings) are not read on every poll,
 * and the models it does read go in as few requests as the 125-register limit allows (planReads).
 */
import { modbusFailureKind } from "../../modbus/client.js";
import {
  type HoldingRegisterReader,
  MAX_REGISTERS_PER_READ,
  readHoldingRange,
} from "../../modbus/read-registers.js";
import {
  type DecodedModel,
  decodeModel,
  type ModelRef,
  type ModelRegistry,
  type SunspecDevice,
  type SunspecDiscovery,
  wireError,
} from "../../sunspec/index.js";

/** One request of a poll: `length` registers from `address`, holding the blocks (ID, L, body) of `models`. */
export interface PlannedRead {
  address: number;
  length: number;
  models: ModelRef[];
}

/** "203", then "203_2" for a second instance: the keys sunspecToPoints turns into device tags. */
function modelKey(models: Record<string, DecodedModel>, id: number): string {
  let key = String(id);
  for (let n = 2; key in models; n++) key = `${id}_${n}`;
  return key;
}

/** Whether a poll needs this model: its map makes a reading (a measurement, or a group's). */
function yieldsReadings(registry: ModelRegistry, id: number): boolean {
  const map = registry.get(id);
  return map !== undefined && (map.measurement !== undefined || map.group?.measurement !== undefined);
}

/**
 * The requests one poll makes: the models that yield readings (all mapped ones if none does), in chain order, joined while the span from
 * the first block's ID to the last block's end stays within `maxPerRead` registers. The registers between
 * two joined blocks belong to the chain the device announced (models we skip or have no map for), so
 * reading them is reading the device's own SunSpec map, which every SunSpec device must answer. A block
 * longer than `maxPerRead` is a request of its own (readHoldingRange splits it).
 */
export function planReads(
  discovery: SunspecDiscovery,
  registry: ModelRegistry,
  maxPerRead = MAX_REGISTERS_PER_READ,
): PlannedRead[] {
  // A device whose models yield no reading is still read (every mapped model, as before the plan):
  // a poll that asks nothing could not tell that the device went silent.
  const any = discovery.models.some((ref) => yieldsReadings(registry, ref.id));
  const wanted = (id: number) => (any ? yieldsReadings(registry, id) : registry.has(id));
  const reads: PlannedRead[] = [];
  for (const ref of discovery.models) {
    if (!wanted(ref.id)) continue;
    const end = ref.address + ref.length + 2;
    const last = reads.at(-1);
    if (last && ref.address >= last.address + last.length && end - last.address <= maxPerRead) {
      last.length = end - last.address;
      last.models.push(ref);
    } else {
      reads.push({ address: ref.address, length: ref.length + 2, models: [ref] });
    }
  }
  return reads;
}

/** The plan of a discovery, made once: a new discovery (after a failure) is a new object, so a new plan. */
const plans = new WeakMap<SunspecDiscovery, { registry: ModelRegistry; reads: PlannedRead[] }>();

function planOf(discovery: SunspecDiscovery, registry: ModelRegistry): PlannedRead[] {
  const cached = plans.get(discovery);
  if (cached?.registry === registry) return cached.reads;
  const reads = planReads(discovery, registry);
  plans.set(discovery, { registry, reads });
  return reads;
}

/**
 * Reads and decodes every model of `discovery` that yields readings. Throws SunspecError on wire failures.
 */
export async function readDiscoveredModels(
  client: HoldingRegisterReader,
  discovery: SunspecDiscovery,
  registry: ModelRegistry,
  /** Receives, per model key, the clock's time when its block's answer arrived. */
  readAt?: { clock: () => number; times: Map<string, number> },
): Promise<SunspecDevice> {
  const models: Record<string, DecodedModel> = {};
  const unknown = discovery.models.filter((ref) => !registry.has(ref.id));
  for (const read of planOf(discovery, registry)) {
    let words: number[];
    try {
      words = await readHoldingRange(client, read.address, read.length);
    } catch (err) {
      if (read.models.length > 1 && modbusFailureKind(err) === "exception") {
        // A device that refuses one read across several models (or the registers between them): from
        // now on this discovery is read one model per request, as before the plan joined them.
        plans.set(discovery, { registry, reads: planReads(discovery, registry, 0) });
        return readDiscoveredModels(client, discovery, registry, readAt);
      }
      const ids = read.models.map((m) => m.id).join(", ");
      throw wireError(
        err,
        `reading model${read.models.length > 1 ? "s" : ""} ${ids} at register ${read.address}`,
      );
    }
    const at = readAt?.clock();
    for (const ref of read.models) {
      const map = registry.get(ref.id);
      if (!map) continue; // planReads only plans mapped models
      const from = ref.address - read.address;
      // decodeModel checks the block still starts with the model id: a firmware update that moved the
      // models shows up here, and the driver then discovers again.
      const key = modelKey(models, ref.id);
      if (at !== undefined) readAt?.times.set(key, at);
      models[key] = decodeModel(map, words.slice(from, from + ref.length + 2), ref.address);
    }
  }
  return { base: discovery.base, models, unknown };
}

/**
 * Which built-in profiles fit a device (`jisr gateway scan`): each profile's `identify` block names a
 * register read and the value it must give. Reads shared by several profiles are sent once.
 */
import type { ModbusLink } from "../modbus/link-types.js";
import { decodeRaw } from "./decode.js";
import { BUILTIN_PROFILES_DIR, type BuiltinProfile, listBuiltinProfiles, loadProfile } from "./load.js";
import type { IdentifyRead } from "./profile.js";

export interface IdentifyMatch {
  /** Built-in profile name, e.g. "huawei-sun2000". */
  name: string;
  class: string;
  /** The value read that matched. */
  value: number | string | boolean;
}

/** Whether the words read for `identify` are the value it expects. */
export function identifyMatches(identify: IdentifyRead, words: readonly number[]): boolean {
  const value = decodeRaw(identify.type, words, identify.wordOrder);
  if (identify.match) return typeof value === "string" && identify.match.test(value);
  if (identify.oneOf) return typeof value === "number" && identify.oneOf.includes(value);
  if (typeof value === "string") return value.trim() === String(identify.equals).trim();
  return value === identify.equals || (typeof value === "boolean" && Number(value) === identify.equals);
}

const blocks = new Map<string, Array<{ b: BuiltinProfile; identify: IdentifyRead }>>();

/** The identify blocks of the built-in profiles, loaded once per process (a scan asks for them per unit). */
function identifyBlocks(builtins: string): Array<{ b: BuiltinProfile; identify: IdentifyRead }> {
  let list = blocks.get(builtins);
  if (!list) {
    list = listBuiltinProfiles(builtins).flatMap((b) => {
      const identify = loadProfile(b.file, undefined, builtins).identify;
      return identify ? [{ b, identify }] : [];
    });
    blocks.set(builtins, list);
  }
  return list;
}

/**
 * Reads each built-in profile's identify register(s) from `unit` and returns the profiles that match. A
 * read the device refuses (exception, timeout) matches nothing; it is not an error here.
 */
export async function identifyProfiles(
  link: ModbusLink,
  unit: number,
  timeoutMs: number,
  builtins = BUILTIN_PROFILES_DIR,
): Promise<IdentifyMatch[]> {
  const answers = new Map<string, Promise<number[] | undefined>>();
  /** One read per register block whatever the number of profiles asking for it; undefined if refused. */
  const read = (table: IdentifyRead["table"], address: number, size: number) => {
    const key = `${table} ${address} ${size}`;
    let answer = answers.get(key);
    if (!answer) {
      answer = link.read(unit, table, address, size, timeoutMs).catch(() => undefined);
      answers.set(key, answer);
    }
    return answer;
  };
  const matches: IdentifyMatch[] = [];
  for (const { b, identify } of identifyBlocks(builtins)) {
    const words = await read(identify.table, identify.address, identify.size);
    if (!words || words.length < identify.size || !identifyMatches(identify, words)) continue;
    // Sibling families that share an identify value (Growatt's device type code 5200 is both a MIC and
    // a MIN): the register range that answers tells them apart.
    const { answers: mustAnswer, refuses } = identify;
    if (mustAnswer && (await read(mustAnswer.table, mustAnswer.address, 1)) === undefined) continue;
    if (refuses && (await read(refuses.table, refuses.address, 1)) !== undefined) continue;
    const value = decodeRaw(identify.type, words, identify.wordOrder);
    matches.push({ name: b.name, class: b.class, value });
  }
  return matches;
}

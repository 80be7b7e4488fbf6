/**
 * A strict zod object whose "unknown key" message names the key that was probably meant and lists the
 * keys that are allowed, so a typo in a config file is obvious ("unknown key: did you mean `interval`?
 * (known keys are: id, host, interval)", or "unknown key; known keys are: host, port, tokens" when no key
 * is close). Every config schema uses it, and config-problems.ts words unknown keys with the same rule.
 */
import { closest, distance } from "fastest-levenshtein";
import { z } from "zod";

/**
 * The known key a typo was meant to be, when one is close enough: the same letters in another case or
 * separator ("kwhDecimals", "kwh-decimals" for kwh_decimals), a few edits away (a third of the word:
 * "intervall" → interval, "id" → not "unit"), or the key with its unit or qualifier left off ("tilt" for
 * tilt_deg). undefined when none is.
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const bare = (k: string) => k.replace(/[_-]/g, "").toLowerCase();
  const sameLetters = known.find((k) => k !== key && bare(k) === bare(key));
  if (sameLetters) return sameLetters;
  const best = closest(key.toLowerCase(), [...known]);
  const d = distance(key.toLowerCase(), best.toLowerCase());
  if (d > 0 && d <= Math.max(2, Math.ceil(key.length / 3))) return best;
  return known.find((k) => k.startsWith(`${key}_`));
}

/** Why one unknown key is refused: the key probably meant, and the keys there are. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  if (known.length === 0) return "unknown key";
  const near = nearestKey(key, known);
  const list = `known keys are: ${known.join(", ")}`;
  return near ? `unknown key: did you mean \`${near}\`? (${list})` : `unknown key; ${list}`;
}

/**
 * The message of zod's one issue for all the unknown keys of an object. Loaders show it at each key's
 * path, so with several keys it names each (and its likely meaning) rather than one key's suggestion.
 */
export function unknownKeysMessage(keys: readonly string[], known: readonly string[]): string {
  const [only] = keys;
  if (keys.length === 1 && only !== undefined) return unknownKeyMessage(only, known);
  const named = keys.map((key) => {
    const near = nearestKey(key, known);
    return near ? `"${key}" (did you mean \`${near}\`?)` : `"${key}"`;
  });
  return `unknown keys ${named.join(", ")}; known keys are: ${known.join(", ")}`;
}

export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? unknownKeysMessage(issue.keys, known) : undefined,
  });
}

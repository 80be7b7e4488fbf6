/**
 * Topic patterns of MQTT profiles. "{topic}/status/switch:{switch}" with the device topic "shelly-1"
 * subscribes to "shelly-1/status/+" and matches "shelly-1/status/switch:0" with switch = "0". A level that
 * holds a placeholder becomes "+" in the subscription (MQTT wildcards cover whole levels only) and is
 * matched level by level afterwards, so a capture can never span a "/".
 */

export interface CompiledTopic {
  /** The subscription filter, with "+" where the pattern captures. */
  filter: string;
  /** Names of the captures, in order. */
  captures: string[];
  /** The captures of a topic, or undefined when the topic does not match. */
  match(topic: string): Record<string, string> | undefined;
}

const PLACEHOLDER = /\{([a-z][a-z0-9_]*)(?::([^{}]+))?\}/g;
const DEVICE_TOPIC = "{topic}";

/** Why a pattern cannot be used, or undefined when it is fine (for profile checks, before any device). */
export function topicPatternProblem(pattern: string): string | undefined {
  try {
    compileTopicPattern(pattern, "device");
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export function compileTopicPattern(pattern: string, deviceTopic: string): CompiledTopic {
  if (!pattern.includes(DEVICE_TOPIC)) throw new Error('must contain "{topic}", the device\'s own topic');
  if (/[+#]/.test(pattern.replace(PLACEHOLDER, "")))
    throw new Error("must not contain the wildcards + or #: use {name} instead");
  const levels: Array<RegExp | string> = [];
  const captures: string[] = [];
  for (const level of pattern.split("/")) {
    if (level === DEVICE_TOPIC) levels.push(...deviceTopic.split("/"));
    else if (level.includes(DEVICE_TOPIC)) throw new Error('"{topic}" must be a whole level of the pattern');
    else levels.push(compileLevel(level, captures));
  }
  if (levels.some((l) => l === "")) throw new Error("must not have an empty level (// or a leading /)");
  const filter = levels.map((l) => (typeof l === "string" ? l : "+")).join("/");
  return { filter, captures, match: (topic) => matchLevels(levels, topic) };
}

/** A literal level stays a string; a level with placeholders becomes an anchored regex. */
function compileLevel(level: string, captures: string[]): RegExp | string {
  let source = "";
  let last = 0;
  for (const m of level.matchAll(PLACEHOLDER)) {
    const [whole, name = "", custom] = m;
    if (captures.includes(name)) throw new Error(`captures "{${name}}" twice`);
    captures.push(name);
    source += `${escapeRegex(level.slice(last, m.index))}(?<${name}>${custom ?? "[^/]+"})`;
    last = m.index + whole.length;
  }
  if (last === 0) {
    if (/[{}]/.test(level))
      throw new Error(`level "${level}": a placeholder is written {name} or {name:regex}`);
    return level;
  }
  const rest = level.slice(last);
  if (/[{}]/.test(rest)) throw new Error(`level "${level}": a placeholder is written {name} or {name:regex}`);
  try {
    return new RegExp(`^${source}${escapeRegex(rest)}$`);
  } catch (err) {
    throw new Error(`level "${level}": ${(err as Error).message}`);
  }
}

function matchLevels(
  levels: ReadonlyArray<RegExp | string>,
  topic: string,
): Record<string, string> | undefined {
  const parts = topic.split("/");
  if (parts.length !== levels.length) return undefined;
  const captured: Record<string, string> = {};
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as RegExp | string;
    const part = parts[i] as string;
    if (typeof level === "string") {
      if (level !== part) return undefined;
      continue;
    }
    const m = level.exec(part);
    if (!m) return undefined;
    Object.assign(captured, m.groups);
  }
  return captured;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** True when every topic `specific` matches is also matched by `general` (both MQTT filters). */
export function filterCovers(general: string, specific: string): boolean {
  const g = general.split("/");
  const s = specific.split("/");
  for (let i = 0; i < g.length; i++) {
    if (g[i] === "#") return true;
    if (i >= s.length) return false;
    if (g[i] === "+" && s[i] !== "#") continue;
    if (g[i] !== s[i]) return false;
  }
  return g.length === s.length;
}

/**
 * The filters to subscribe to: duplicates and filters covered by another are left out, because a broker
 * may deliver a message once per matching subscription (MQTT 3.1.1 section 3.3.5), and a message counted
 * twice would become two readings.
 */
export function minimalFilters(filters: readonly string[]): string[] {
  const unique = [...new Set(filters)];
  return unique.filter((f) => !unique.some((other) => other !== f && filterCovers(other, f)));
}

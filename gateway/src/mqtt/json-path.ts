/**
 * Values in a JSON payload by dotted path ("aenergy.total", "ENERGY.Power", "$" for the whole payload). A
 * missing key or a null is "absent" (devices leave out what they do not measure); stepping into a number or
 * a string where the profile expects an object is a payload of the wrong shape.
 */

export type Lookup =
  | { kind: "value"; value: unknown }
  | { kind: "absent" }
  | { kind: "wrong_shape"; message: string };

export function valueAt(doc: unknown, path: string): Lookup {
  if (path === "$") return doc === null ? { kind: "absent" } : { kind: "value", value: doc };
  let current: unknown = doc;
  const keys = path.split(".");
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (Array.isArray(current) && /^\d+$/.test(key)) {
      current = current[Number(key)];
    } else if (isObject(current)) {
      current = Object.hasOwn(current, key) ? current[key] : undefined;
    } else {
      const at = i === 0 ? "the payload" : `"${keys.slice(0, i).join(".")}"`;
      return {
        kind: "wrong_shape",
        message: `${at} is ${describeValue(current)}, expected an object with "${key}"`,
      };
    }
    if (current === undefined || current === null) return { kind: "absent" };
  }
  return { kind: "value", value: current };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `a string ("abc")`, `an array`, `the number 3`: for messages that name what was found. */
export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `a string (${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)})`;
  if (typeof v === "number") return `the number ${v}`;
  if (typeof v === "boolean") return `the boolean ${v}`;
  return "an object";
}

import { z } from "zod";

/** A strict object whose "unknown key" message lists the keys that are allowed, to make a typo obvious. */
export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `unknown key; known keys are: ${known}` : undefined,
  });
}

/**
 * A strict zod object whose "unknown key" message lists the keys that are allowed, so a typo in a config
 * file is obvious ("unknown key; known keys are: host, port, tokens"). Every config schema uses it.
 */
import { z } from "zod";

export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `unknown key; known keys are: ${known}` : undefined,
  });
}

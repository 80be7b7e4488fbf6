/**
 * The tariff file schema: the per-field schema (schema.ts), then the cross-field rules (check.ts). Kept
 * apart from both so that check.ts can read schema.ts's types without schema.ts importing check.ts back.
 */
import { z } from "zod";
import { crossCheckTariff } from "./check.js";
import { tariffBaseSchema } from "./schema.js";

export const tariffSchema = tariffBaseSchema
  .superRefine((tariff, ctx) => {
    for (const problem of crossCheckTariff(tariff)) {
      ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
    }
  })
  .describe("Jisr Solar electricity tariff");

/**
 * JSON Schema of the file as written (defaults optional), for editor completion. Draft 7, which editors'
 * YAML plugins and Ajv's default build read; the cross-field rules are not in it (run the checker).
 */
export function tariffJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(tariffSchema, { io: "input", target: "draft-7" }) as Record<string, unknown>;
}

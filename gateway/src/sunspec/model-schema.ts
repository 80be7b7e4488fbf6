import { z } from "zod";

/**
 * Schema of our compact SunSpec register maps (gateway/profiles/sunspec/*.yaml).
 * One file describes one register layout, shared by every model id it lists.
 */

/** Register count of each fixed-size SunSpec point type (sunspec/models JSON, `size`). */
export const TYPE_SIZES = {
  int16: 1,
  uint16: 1,
  acc16: 1,
  enum16: 1,
  bitfield16: 1,
  sunssf: 1,
  count: 1,
  pad: 1,
  int32: 2,
  uint32: 2,
  acc32: 2,
  enum32: 2,
  bitfield32: 2,
  float32: 2,
  ipaddr: 2,
  int64: 4,
  uint64: 4,
  acc64: 4,
  float64: 4,
  eui48: 4,
  ipv6addr: 8,
} as const;

export const POINT_TYPES = [
  ...(Object.keys(TYPE_SIZES) as Array<keyof typeof TYPE_SIZES>),
  "string",
] as const;
export type PointType = (typeof POINT_TYPES)[number];

/** Types whose decoded value is a number that a scale factor may multiply. */
const SCALABLE = new Set<PointType>([
  "int16",
  "uint16",
  "acc16",
  "int32",
  "uint32",
  "acc32",
  "int64",
  "uint64",
  "acc64",
]);
const ENUMS = new Set<PointType>(["enum16", "enum32"]);
const BITFIELDS = new Set<PointType>(["bitfield16", "bitfield32"]);

const pointName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, "a SunSpec point name (letters, digits, _)");
const fieldName = z.string().regex(/^[a-z][a-z0-9_]*$/, "a snake_case field name with a unit suffix");

export const PointSpecSchema = z
  .strictObject({
    name: pointName,
    offset: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("Register offset; checked against the running sum of sizes when given"),
    type: z.enum(POINT_TYPES),
    size: z.number().int().positive().optional().describe("Registers; required for string, else implied"),
    sf: pointName.optional().describe("Name of the sunssf point that scales this one"),
    units: z.string().min(1).optional(),
    symbols: z
      .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), z.number().int().min(0))
      .optional()
      .describe("enum: name -> value; bitfield: name -> bit number"),
    field: fieldName.optional().describe("Reading field this point is exported as"),
    rawField: fieldName.optional().describe("Field for the raw integer of an enum or bitfield"),
    combine: z.literal("mean").optional().describe("How several points exporting one field are combined"),
  })
  .superRefine((p, ctx) => {
    const fixed = p.type === "string" ? undefined : TYPE_SIZES[p.type];
    if (p.type === "string" && p.size === undefined) {
      ctx.addIssue({ code: "custom", path: ["size"], message: "a string point needs a size" });
    }
    if (fixed !== undefined && p.size !== undefined && p.size !== fixed) {
      ctx.addIssue({ code: "custom", path: ["size"], message: `type ${p.type} is ${fixed} register(s)` });
    }
    if (p.sf !== undefined && !SCALABLE.has(p.type)) {
      ctx.addIssue({ code: "custom", path: ["sf"], message: `type ${p.type} cannot take a scale factor` });
    }
    const symbolic = ENUMS.has(p.type) || BITFIELDS.has(p.type);
    if (p.symbols !== undefined && !symbolic) {
      ctx.addIssue({ code: "custom", path: ["symbols"], message: "only enums and bitfields have symbols" });
    }
    if (p.rawField !== undefined && !symbolic) {
      ctx.addIssue({
        code: "custom",
        path: ["rawField"],
        message: "only enums and bitfields have a raw field",
      });
    }
    if (BITFIELDS.has(p.type) && p.symbols) {
      const width = p.type === "bitfield16" ? 16 : 32;
      for (const [name, bit] of Object.entries(p.symbols)) {
        if (bit >= width) {
          ctx.addIssue({
            code: "custom",
            path: ["symbols", name],
            message: `bit ${bit} is outside ${p.type}`,
          });
        }
      }
    }
  });
export type PointSpec = z.infer<typeof PointSpecSchema>;

const measurementName = z.string().regex(/^[a-z][a-z0-9_]*$/);

export const GroupSpecSchema = z.strictObject({
  name: pointName,
  count: pointName.describe("Name of the count point that says how many times the group repeats"),
  measurement: measurementName.optional(),
  indexTag: measurementName.optional().describe("Tag holding the 1-based repetition index"),
  points: z.array(PointSpecSchema).min(1),
});
export type GroupSpec = z.infer<typeof GroupSpecSchema>;

export const ModelIdentitySchema = z.strictObject({
  id: z.number().int().min(1).max(65534),
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  label: z.string().min(1),
});
export type ModelIdentity = z.infer<typeof ModelIdentitySchema>;

/** A whole map file: the ids sharing this layout, points after ID/L, then repeating groups. */
export const ModelFileSchema = z
  .strictObject({
    models: z.array(ModelIdentitySchema).min(1),
    measurement: measurementName.optional(),
    points: z.array(PointSpecSchema),
    groups: z.array(GroupSpecSchema).max(1, "one repeating group per model is supported").optional(),
  })
  .superRefine((file, ctx) => {
    checkOffsets(file.points, 2, ["points"], ctx);
    for (const [i, g] of (file.groups ?? []).entries())
      checkOffsets(g.points, 0, ["groups", i, "points"], ctx);
    checkReferences(file, ctx);
    checkFields(file, ctx);
  });
export type ModelFile = z.infer<typeof ModelFileSchema>;

/** Size in registers of a point (strings carry their own size). */
export function pointSize(p: Pick<PointSpec, "type" | "size">): number {
  return p.type === "string" ? (p.size ?? 0) : TYPE_SIZES[p.type];
}

function checkOffsets(
  points: PointSpec[],
  start: number,
  path: Array<string | number>,
  ctx: z.RefinementCtx,
) {
  let offset = start;
  const seen = new Set<string>();
  for (const [i, p] of points.entries()) {
    if (p.offset !== undefined && p.offset !== offset) {
      ctx.addIssue({
        code: "custom",
        path: [...path, i, "offset"],
        message: `${p.name} is at offset ${offset} after the points before it, not ${p.offset}`,
      });
    }
    if (seen.has(p.name)) {
      ctx.addIssue({ code: "custom", path: [...path, i, "name"], message: `duplicate point ${p.name}` });
    }
    seen.add(p.name);
    offset += pointSize(p);
  }
}

/** Every sf names a sunssf point (in the group or the model); a group's count names a count point. */
function checkReferences(file: ModelFile, ctx: z.RefinementCtx) {
  const typeOf = new Map(file.points.map((p) => [p.name, p.type]));
  const checkSf = (points: PointSpec[], local: Map<string, PointType>, path: Array<string | number>) => {
    for (const [i, p] of points.entries()) {
      if (p.sf === undefined) continue;
      const t = local.get(p.sf) ?? typeOf.get(p.sf);
      if (t !== "sunssf") {
        ctx.addIssue({
          code: "custom",
          path: [...path, i, "sf"],
          message: `"${p.sf}" is not a sunssf point`,
        });
      }
    }
  };
  checkSf(file.points, new Map(), ["points"]);
  for (const [gi, g] of (file.groups ?? []).entries()) {
    checkSf(g.points, new Map(g.points.map((p) => [p.name, p.type])), ["groups", gi, "points"]);
    if (typeOf.get(g.count) !== "count") {
      ctx.addIssue({
        code: "custom",
        path: ["groups", gi, "count"],
        message: `"${g.count}" is not a count point`,
      });
    }
  }
}

/** A field name may be exported by several points only when they all say how to combine them. */
function checkFields(file: ModelFile, ctx: z.RefinementCtx) {
  const scopes: Array<{ points: PointSpec[]; path: Array<string | number>; measured: boolean }> = [
    { points: file.points, path: ["points"], measured: file.measurement !== undefined },
    ...(file.groups ?? []).map((g, i) => ({
      points: g.points,
      path: ["groups", i, "points"],
      measured: g.measurement !== undefined,
    })),
  ];
  for (const scope of scopes) {
    const uses = new Map<string, PointSpec[]>();
    for (const [i, p] of scope.points.entries()) {
      for (const f of [p.field, p.rawField]) {
        if (f === undefined) continue;
        if (!scope.measured) {
          ctx.addIssue({
            code: "custom",
            path: [...scope.path, i],
            message: `field ${f} without a measurement`,
          });
        }
        uses.set(f, [...(uses.get(f) ?? []), p]);
      }
    }
    for (const [f, ps] of uses) {
      if (ps.length > 1 && ps.some((p) => p.combine === undefined || p.rawField === f)) {
        ctx.addIssue({
          code: "custom",
          path: scope.path,
          message: `field ${f} is exported twice without combine`,
        });
      }
    }
  }
}

import { z } from "zod";

/** Shapes of decoded SunSpec data, checked with zod where registers become typed values. */

export const DecodedPointSchema = z.strictObject({
  /** Scaled number, enum name (or the number when it has no name), bitfield names, text; null = not implemented. */
  value: z.union([z.number(), z.string(), z.array(z.string()), z.null()]),
  units: z.string().optional(),
  /** The unscaled integer behind an enum or bitfield. */
  raw: z.number().int().min(0).optional(),
});
export type DecodedPoint = z.infer<typeof DecodedPointSchema>;

const PointsSchema = z.record(z.string(), DecodedPointSchema);

export const DecodedModelSchema = z.strictObject({
  id: z.number().int().min(1).max(65534),
  name: z.string(),
  label: z.string(),
  /** Absolute register address of the model's ID register. */
  address: z.number().int().min(0).max(65535),
  /** L as the device reported it: registers after ID and L. */
  length: z.number().int().min(0),
  points: PointsSchema,
  /** Repeating groups by name (model 160: module), one entry per repetition, in order. */
  groups: z.record(z.string(), z.array(PointsSchema)),
});
export type DecodedModel = z.infer<typeof DecodedModelSchema>;

export const ModelRefSchema = z.strictObject({
  id: z.number().int().min(0).max(65535),
  /** Absolute register address of the model's ID register. */
  address: z.number().int().min(0).max(65535),
  length: z.number().int().min(0).max(65535),
});
export type ModelRef = z.infer<typeof ModelRefSchema>;

export const SunspecDeviceSchema = z.strictObject({
  /** Address of the "SunS" marker. */
  base: z.number().int().min(0).max(65535),
  /** Decoded models keyed by id ("103"); a second instance of one id is keyed "203_2", and so on. */
  models: z.record(z.string(), DecodedModelSchema),
  /** Models in the chain that we have no map for: listed, not decoded. */
  unknown: z.array(ModelRefSchema),
});
export type SunspecDevice = z.infer<typeof SunspecDeviceSchema>;

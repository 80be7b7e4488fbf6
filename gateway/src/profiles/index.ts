/**
 * Device profiles: register maps as data (gateway/profiles/modbus/**), and the code that reads them.
 * Other workspaces import it as "@jisr/gateway/profiles" (the simulators, without the gateway runtime).
 */
export type { ProfileFindings } from "./check.js";
export { type DecodedValue, decodePoint, decodeRaw, wordsToBits } from "./decode.js";
export { encodePoint, encodeRaw, type PointInput } from "./encode.js";
export { type IdentifyMatch, identifyMatches, identifyProfiles } from "./identify.js";
export {
  BUILTIN_PROFILES_DIR,
  type BuiltinProfile,
  builtinProfileFile,
  inspectProfileFile,
  type LoadFindings,
  listBuiltinProfiles,
  loadProfile,
  ProfileError,
} from "./load.js";
export { planOnePerPoint, planReads, type ReadRequest } from "./plan.js";
export type { IdentifyRead, Profile, ProfilePoint, WordOrder } from "./profile.js";
export { decodeResponses, planOf, readPlan, readWithProfile, ShortResponseError } from "./read.js";
export { FUNCTION_CODE, type Table, type Unit, type ValueType } from "./register-types.js";
export { type ProfileSpec, profileJsonSchema, profileSchema } from "./schema.js";
export { type PointContext, toPoints } from "./to-points.js";

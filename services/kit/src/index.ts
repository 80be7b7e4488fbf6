// @jisr/service-kit: what the services share, once. See README.md.

export {
  type AnyError,
  type ErrorBody,
  type ErrorHandlerOptions,
  errorBody,
  errorHandler,
} from "./fastify/error-handler.js";
export { invalidRequest, validationProblems, zodCompilers } from "./fastify/zod.js";
export {
  type ClientErrors,
  checkingIntervalMs,
  clientErrorHandler,
  DEFAULT_CLIENT_ERRORS,
  DEFAULT_HTTP_LIMITS,
  type HttpLimits,
  httpLimitsSchema,
  httpServerOptions,
  MAX_HEADER_BYTES,
  resolveHttpLimits,
  worstCaseCloseMs,
} from "./http-limits.js";
export { writePrivateFile } from "./private-file.js";
export {
  addStoreOptions,
  influxClientOf,
  openStore,
  type StoreOptions,
  storeOptionsSchema,
} from "./store.js";
export {
  addToken,
  type NewToken,
  readTokensFile,
  writeTokensFile,
} from "./tokens/file.js";
export { type RegistryLog, TokenRegistry, type TokenRegistryOptions } from "./tokens/registry.js";
export { type TokenEntry, type TokensFile, tokenEntrySchema, tokensFileSchema } from "./tokens/schema.js";
export {
  bearerToken,
  findByHash,
  generateToken,
  hashToken,
  newTokenId,
  TOKEN_PATTERN,
  TokenIndex,
} from "./tokens/token.js";

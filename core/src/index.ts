export * from "./errors.js";
export * from "./line-protocol.js";
export * from "./point.js";
export * from "./store/types.js";

/** SunSpec over Modbus: register maps as data, discovery, decoding, and mapping to readings. */
export * from "./decode.js";
export * from "./decoded-schema.js";
export * from "./discover.js";
export * from "./encode.js";
export * from "./format.js";
export * from "./model-schema.js";
export * from "./models.js";
export * from "./points.js";
export * from "./read-device.js";

// The pure solar model: sun position, clear-sky irradiance, plane of array, module temperature and the
// PV output they give. Shared by the simulators (under their clouds) and the alert rules (as the
// expected maximum). Import `@jisr/core/solar/index` or one file, e.g. `@jisr/core/solar/position`.
export * from "./clearsky.js";
export * from "./poa.js";
export * from "./position.js";
export * from "./pv-system.js";
export * from "./temperature.js";

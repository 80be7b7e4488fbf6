// The pure solar model: sun position, clear-sky irradiance, plane of array, module temperature and the
// PV output they give. Shared by the simulators (under their clouds) and the alert rules (as the
// expected maximum). Other workspaces import it as `@jisr/core/solar`.
export * from "./clearsky.js";
export * from "./poa.js";
export * from "./position.js";
export * from "./pv-system.js";
export * from "./temperature.js";

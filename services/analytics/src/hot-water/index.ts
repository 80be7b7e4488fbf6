/** Solar hot water analytics: availability, hygiene, scald risk, solar heat, backup, savings. Pure functions. */
export * from "./availability.js";
export * from "./backup-schema.js";
export * from "./counter.js";
export * from "./daily.js";
export * from "./heat.js";
export * from "./hygiene.js";
export * from "./local-day.js";
export * from "./minute-grid.js";
export * from "./monthly.js";
export * from "./rounding.js";
export * from "./savings.js";
export * from "./series.js";
export * from "./settings-schema.js";
export * from "./system-day.js";
export * from "./types.js";

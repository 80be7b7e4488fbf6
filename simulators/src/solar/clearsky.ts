// Moved to @jisr/core (alerting needs the same model); re-exported so the simulators keep their imports.
export * from "@jisr/core/solar/clearsky";

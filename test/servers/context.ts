/** Helpers for tests that use the shared servers started by global-setup.ts. */
import { randomBytes } from "node:crypto";
import { inject } from "vitest";

export function influxUrl(): string {
  return inject("influxUrl");
}

export function mqttUrl(): string {
  return inject("mqttUrl");
}

/** A database name no other test uses. */
export function uniqueDatabase(prefix = "test"): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

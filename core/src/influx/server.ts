/**
 * Which InfluxDB generation answers: the v1 write/query API is shared, but provisioning and downsampling
 * differ (1.x `CREATE DATABASE` and continuous queries, 2.x buckets and tasks, 3.x databases created on
 * first write), so the setup steps ask this first.
 */
export type InfluxGeneration = "1.x" | "2.x" | "3.x" | "unknown";

export interface ServerInfo {
  generation: InfluxGeneration;
  /** As sent in `X-Influxdb-Version` (e.g. `1.6.7~rc0`, `v2.7.11`, `3.0.1`), when sent. */
  version?: string;
  /** As sent in `X-Influxdb-Build` (`OSS`, `Core`, `Enterprise`, …), when sent. */
  build?: string;
}

/** The generation from a version string; `unknown` for a missing or unexpected one (e.g. a cloud service). */
export function generationOf(version: string | undefined): InfluxGeneration {
  const major = /^v?(\d+)\./.exec(version?.trim() ?? "")?.[1];
  if (major === "1") return "1.x";
  if (major === "2") return "2.x";
  if (major === "3") return "3.x";
  return "unknown";
}

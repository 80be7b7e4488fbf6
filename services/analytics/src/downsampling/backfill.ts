/**
 * Rolling up a time range by hand: the continuous queries only look back `resample_for`, so readings a
 * gateway replays after a long outage reach the rollups only through this (`jisr influx downsample`).
 * The same SELECT ... INTO as the CQs, with a time range widened to whole buckets; idempotent, since a
 * rerun writes the same points at the same times.
 */

import { parseDuration } from "@jisr/core";
import type { InfluxClient } from "@jisr/core/influx";
import type { Logger } from "pino";
import type { DownsamplingConfig } from "./config.js";
import { rollupSelect } from "./plan.js";

export interface BackfillResult {
  rollup: string;
  measurement: string;
  /** Points written into the rollup, as InfluxDB reports it. */
  written: number;
}

export async function backfillDownsampling(o: {
  client: InfluxClient;
  config: DownsamplingConfig;
  from: number;
  to: number;
  logger: Logger;
}): Promise<BackfillResult[]> {
  const log = o.logger.child({ component: "downsampling", database: o.client.database });
  const results: BackfillResult[] = [];
  for (const r of o.config.rollups) {
    const every = parseDuration(r.every) as number;
    const range = { from: Math.floor(o.from / every) * every, to: Math.ceil(o.to / every) * every };
    for (const measurement of Object.keys(r.measurements)) {
      const statement = rollupSelect(r, o.client.database, measurement, range);
      const [result] = await o.client.query(statement);
      const row = result?.series[0]?.values[0];
      const written = typeof row?.[1] === "number" ? row[1] : 0;
      log.info({ statement, written }, `Rolled up ${measurement} into ${r.name}`);
      results.push({ rollup: r.name, measurement, written });
    }
  }
  return results;
}

/**
 * Builds the production Store (InfluxDB, v1 API) from the service's options: core's InfluxStore with the
 * byte path of influx-wire.ts in front of it.
 */
import type { Store } from "@jisr/core/store";
import type { Logger } from "pino";
import { WireInfluxStore } from "./influx-wire.js";

export interface InfluxConnection {
  influxUrl: string;
  database: string;
  /** 2.x/3.x token; or username and password for 1.x with auth. */
  influxToken?: string;
  influxUsername?: string;
  influxPassword?: string;
  logger?: Logger;
  timeoutMs?: number;
}

export function createInfluxStore(o: InfluxConnection): Store {
  const auth = o.influxToken
    ? { token: o.influxToken }
    : o.influxUsername
      ? { username: o.influxUsername, password: o.influxPassword ?? "" }
      : undefined;
  return new WireInfluxStore({
    url: o.influxUrl,
    database: o.database,
    ...(auth ? { auth } : {}),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
  });
}

/** Builds the production Store (InfluxDB, v1 API) from the service's options. */
import { InfluxStore } from "@jisr/core/store/influx-store";
import type { Store } from "@jisr/core/store/types";
import type { Logger } from "pino";

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
  return new InfluxStore({
    url: o.influxUrl,
    database: o.database,
    ...(auth ? { auth } : {}),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
  });
}

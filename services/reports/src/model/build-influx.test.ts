import { InfluxStore } from "@jisr/core/store";
import { pino } from "pino";
import { influxUrl, uniqueDatabase } from "../../../../test/servers/context.js";
import { buildSuite } from "./build.suite.js";

buildSuite(
  "InfluxDB 1.6",
  async () =>
    new InfluxStore({
      url: influxUrl(),
      database: uniqueDatabase("reports"),
      logger: pino({ level: "silent" }),
    }),
);

import { InfluxStore } from "@jisr/core/store";
import { pino } from "pino";
import { influxUrl, uniqueDatabase } from "../../../../test/servers/context.js";
import { jobSuite } from "./job.suite.js";

jobSuite(
  "InfluxDB 1.6",
  async () =>
    new InfluxStore({
      url: influxUrl(),
      database: uniqueDatabase("analytics"),
      logger: pino({ level: "silent" }),
    }),
);

/** Makes the Store (InfluxDB in production) available to routes as `app.store`. */
import type { Store } from "@jisr/core/store/types";
import type { FastifyInstance } from "fastify";
import { globalPlugin } from "../global.js";

declare module "fastify" {
  interface FastifyInstance {
    store: Store;
  }
}

export default globalPlugin<{ store: Store }>("store", async (app: FastifyInstance, opts) => {
  app.decorate("store", opts.store);
});

/**
 * Makes the Store (InfluxDB in production) available to routes as `app.store`, and the group committer in
 * front of it as `app.commit` (batch/group-commit.ts): routes write through `app.commit`, so that the
 * points of concurrent requests reach InfluxDB in one write.
 */
import type { Store } from "@jisr/core/store";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { type GroupCommitOptions, GroupCommitter } from "../../batch/group-commit.js";

declare module "fastify" {
  interface FastifyInstance {
    store: Store;
    commit: GroupCommitter;
  }
}

export default fp<{ store: Store; groupCommit?: Partial<GroupCommitOptions> }>(
  async (app: FastifyInstance, opts) => {
    app.decorate("store", opts.store);
    const committer = new GroupCommitter(opts.store, opts.groupCommit);
    app.decorate("commit", committer);
    // Requests still waiting for their group are written before the app closes, not left hanging.
    app.addHook("preClose", async () => committer.flushNow());
  },
  { name: "jisr-ingestion-store" },
);

/**
 * For the API's tests: the app over a fresh state file, with a clock the test moves, two tokens (one for
 * every institution, one for a single institution), and a way to record evaluations as the service would.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateToken, hashToken } from "@jisr/service-kit";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { buildApp } from "../app.js";
import type { ApiTokenConfig } from "../config/schema.js";
import { recordEvaluation } from "../engine/record.js";
import { fixedTiming, T0 } from "../engine/testing/helpers.js";
import type { Condition, RuleTiming } from "../engine/types.js";
import { AlertStore } from "../store/alert-store.js";

export const INSTITUTION = "ehpad-ben-guerir";
export const OTHER_INSTITUTION = "orphelinat-sidi-bennour";

export interface ApiBed {
  app: FastifyInstance;
  alerts: AlertStore;
  /** Covers every institution; user "Salma (coordination)". */
  adminToken: string;
  /** Covers INSTITUTION only; user "Ahmed". */
  techToken: string;
  /** A service's token (on_behalf), every institution; user "web". */
  serviceToken: string;
  now: number;
  /** Records an evaluation at the bed's `now`, as the service would. */
  evaluate(conditions: Condition[], timing?: Partial<RuleTiming>): void;
  request(
    method: "GET" | "POST" | "DELETE",
    url: string,
    opts?: { token?: string | null; body?: unknown },
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

function tokenEntry(
  id: string,
  user: string,
  institutions: string[],
  onBehalf = false,
): { token: string; entry: ApiTokenConfig } {
  const token = generateToken();
  return { token, entry: { id, user, sha256: hashToken(token), institutions, on_behalf: onBehalf } };
}

export async function apiBed(): Promise<ApiBed> {
  const dir = mkdtempSync(join(tmpdir(), "jisr-alerting-api-"));
  const alerts = new AlertStore(join(dir, "state.sqlite"));
  const admin = tokenEntry("tok_0000000a", "Salma (coordination)", ["*"]);
  const tech = tokenEntry("tok_0000000b", "Ahmed", [INSTITUTION]);
  const service = tokenEntry("tok_0000000c", "web", ["*"], true);
  const bed: ApiBed = {
    alerts,
    adminToken: admin.token,
    techToken: tech.token,
    serviceToken: service.token,
    now: T0,
    app: await buildApp({ alerts, tokens: [admin.entry, tech.entry, service.entry], clock: () => bed.now }),
    evaluate(conditions, timing = { forMs: 0 }) {
      recordEvaluation(alerts, { now: bed.now, conditions }, { timing: fixedTiming(timing), recipients: [] });
    },
    request(method, url, opts = {}) {
      const token = opts.token === undefined ? admin.token : opts.token;
      return bed.app.inject({
        method,
        url,
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
        ...(opts.body !== undefined && { payload: opts.body as Record<string, unknown> }),
      });
    },
    async close() {
      await bed.app.close();
      alerts.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return bed;
}

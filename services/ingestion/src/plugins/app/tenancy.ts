/**
 * Tenancy: a token writes for its own institution only. `request.claimPoints(points)` sets the
 * `institution` tag from the token where it is absent and refuses the whole batch (403) when any point
 * names another institution, listing each such point.
 */
import type { Point } from "@jisr/core";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ERR } from "../../errors.js";
import type { BatchProblem } from "../../schemas/write.js";

declare module "fastify" {
  interface FastifyRequest {
    claimPoints(
      points: readonly Point[],
      paths?: (index: number) => Pick<BatchProblem, "path" | "line">,
    ): Point[];
  }
}

export function claimForInstitution(
  institution: string,
  points: readonly Point[],
  where: (index: number) => Pick<BatchProblem, "path" | "line"> = (i) => ({
    path: `points.${i}.tags.institution`,
  }),
): Point[] {
  const problems: BatchProblem[] = [];
  const claimed = points.map((p, index) => {
    const named = p.tags.institution;
    if (named !== undefined && named !== institution) {
      const message = `names institution "${named}" but the token belongs to "${institution}"`;
      problems.push({ index, ...where(index), message });
    }
    return named === undefined ? { ...p, tags: { ...p.tags, institution } } : p;
  });
  if (problems.length > 0) {
    const error = ERR.FORBIDDEN_INSTITUTION(problems.length, institution);
    error.problems = problems;
    throw error;
  }
  return claimed;
}

export default fp(
  async (app: FastifyInstance) => {
    app.decorateRequest("claimPoints", function (this: FastifyRequest, points, where) {
      return claimForInstitution(this.institution, points, where);
    });
  },
  { name: "jisr-ingestion-tenancy" },
);

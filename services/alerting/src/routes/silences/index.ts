/**
 * Silences (under /api/v1), as Alertmanager's: label matchers, a start, an end, who and why. Deleting a
 * silence ends it now; it is kept for the record. A token covering some institutions only must name one
 * of them, and sees the silences that can touch them (its own, and those for every institution).
 */
import { randomBytes } from "node:crypto";
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import type { z } from "zod";
import { isSilenceActive } from "../../engine/silence.js";
import type { Silence } from "../../engine/types.js";
import { ERR } from "../../errors.js";
import { errorResponses, iso } from "../../schemas/common.js";
import {
  MAX_SILENCE_MS,
  silenceBodySchema,
  silenceListSchema,
  silenceParamsSchema,
  silenceSchema,
  silencesQuerySchema,
} from "../../schemas/silences.js";

type SilenceState = "active" | "pending" | "expired";

function stateOf(s: Silence, now: number): SilenceState {
  if (isSilenceActive(s, now)) return "active";
  return now < s.startsAt ? "pending" : "expired";
}

function present(s: Silence, now: number) {
  return {
    id: s.id,
    matchers: s.matchers,
    starts_at: iso(s.startsAt),
    ends_at: iso(s.endsAt),
    created_by: s.createdBy,
    comment: s.comment,
    created_at: iso(s.createdAt),
    state: stateOf(s, now),
  };
}

function invalid(path: string, message: string) {
  const error = ERR.INVALID_REQUEST("The body");
  error.problems = [{ path: `body.${path}`, message }];
  return error;
}

/** A scoped token sees silences of its institutions and those without an institution matcher. */
function canSee(request: FastifyRequest, s: Silence): boolean {
  return s.matchers.institution === undefined || request.mayAccess(s.matchers.institution);
}

const silenceRoutes: FastifyPluginAsync = async (app) => {
  app.post(
    "/silences",
    {
      schema: { body: silenceBodySchema, response: { 201: silenceSchema, ...errorResponses } },
      onRequest: app.authenticate,
    },
    async (request, reply) => {
      const b = request.body as z.output<typeof silenceBodySchema>;
      if (b.matchers.institution) request.requireAccess(b.matchers.institution);
      else if (request.institutionScope() !== undefined) throw ERR.SILENCE_NEEDS_INSTITUTION();
      const now = app.clock();
      const startsAt = b.startsAt ?? now;
      const endsAt = b.endsAt ?? startsAt + (b.lengthMs ?? 0);
      if (endsAt <= Math.max(now, startsAt))
        throw invalid("ends_at", "must be after starts_at and in the future");
      if (endsAt - startsAt > MAX_SILENCE_MS) throw invalid("ends_at", "a silence lasts at most 90 days");
      const silence: Silence = {
        id: `sil_${randomBytes(8).toString("hex")}`,
        matchers: b.matchers,
        startsAt,
        endsAt,
        createdBy: request.apiUser.name,
        comment: b.comment,
        createdAt: now,
      };
      app.alerts.addSilence(silence);
      request.log.info(
        { silence: silence.id, matchers: silence.matchers, until: iso(endsAt) },
        "Silence created",
      );
      return reply.code(201).send(present(silence, now));
    },
  );

  app.get(
    "/silences",
    {
      schema: { querystring: silencesQuerySchema, response: { 200: silenceListSchema, ...errorResponses } },
      onRequest: app.authenticate,
    },
    async (request) => {
      const { state } = request.query as z.output<typeof silencesQuerySchema>;
      const now = app.clock();
      const all = app.alerts.listSilences(now, state === "expired" || state === "all");
      const wanted = (s: Silence) =>
        state === "all" || (state === "current" ? stateOf(s, now) !== "expired" : stateOf(s, now) === state);
      return { silences: all.filter((s) => canSee(request, s) && wanted(s)).map((s) => present(s, now)) };
    },
  );

  app.delete(
    "/silences/:id",
    {
      schema: { params: silenceParamsSchema, response: { 200: silenceSchema, ...errorResponses } },
      onRequest: app.authenticate,
    },
    async (request) => {
      const { id } = request.params as z.output<typeof silenceParamsSchema>;
      const silence = app.alerts.getSilence(id);
      if (!silence || !canSee(request, silence)) throw ERR.SILENCE_NOT_FOUND(id);
      if (silence.matchers.institution) request.requireAccess(silence.matchers.institution);
      else if (request.institutionScope() !== undefined) throw ERR.SILENCE_NEEDS_INSTITUTION();
      const now = app.clock();
      const ended = app.alerts.endSilence(id, now) ?? silence;
      request.log.info({ silence: id, by: request.apiUser.name }, "Silence ended");
      return present(ended, now);
    },
  );
};

export default silenceRoutes;

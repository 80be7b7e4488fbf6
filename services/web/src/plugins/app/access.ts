/**
 * Who may see what: the one authorization plugin. Every route states its rule in `config.access`, and a
 * route without one is refused when it is added, so no endpoint can forget it:
 *
 *   config: { access: { roles: ["ministry"], action: "see the programme overview" } }
 *   config: { access: { roles: ALL_ROLES, action: "...", institution: (req) => req.params.id } }
 *   config: { access: { public: true } }
 *
 * After validation (so params and query are typed) the preHandler checks the role, then the institution
 * the request is about: another institution's data is 403, never an empty answer. Handlers that learn
 * the institution later (an alert found by id) call `request.authorize(id)`, and lists are scoped with
 * `request.scope()`.
 *
 *   | role       | institutions   | programme | alerts: read / acknowledge | reports                 |
 *   |------------|----------------|-----------|----------------------------|-------------------------|
 *   | ministry   | all            | yes       | all / yes                  | any, and the programme  |
 *   | manager    | listed (own)   | no        | own / no                   | own                     |
 *   | technician | listed (cover) | no        | covered / yes              | covered                 |
 *
 * The fourth role, gateway, writes readings for one institution: that is an ingestion token, checked by
 * the ingestion service, and it opens nothing here.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ERR } from "../../errors.js";
import { ROLES, type Role } from "../../users/schema.js";

export const ALL_ROLES: readonly Role[] = ROLES;

export interface Access {
  /** Open to anyone (the page's files, the login, health). */
  public?: true;
  /** Roles allowed; any other gets 403. */
  roles?: readonly Role[];
  /** What the route lets one do, for the 403 message ("see the programme overview"). */
  action?: string;
  /** The institution the request is about, read after validation; checked against the user's. */
  institution?: (request: FastifyRequest) => string | undefined;
  /** True when the request is about the whole programme (a programme report): the ministry's alone. */
  programme?: (request: FastifyRequest) => boolean;
}

declare module "fastify" {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** True when the user may see `institution`. */
    covers(institution: string): boolean;
    /** Throws 403 unless the user may see `institution`, 404 when it does not exist (for those who see all). */
    authorize(institution: string): void;
    /** The institutions the user may see, in the institutions file's order. */
    scope(): string[];
  }
}

export default fp(
  async (app: FastifyInstance) => {
    app.addHook("onRoute", (route) => {
      const access = (route.config as { access?: Access } | undefined)?.access;
      if (!access || (!access.public && !access.roles?.length)) {
        throw new Error(
          `${route.method} ${route.url}: every route must declare config.access (roles or public)`,
        );
      }
    });

    app.decorateRequest("covers", function (this: FastifyRequest, institution: string) {
      const user = this.principal?.user;
      if (!user) return false;
      return user.role === "ministry" || user.institutions.includes(institution);
    });
    app.decorateRequest("authorize", function (this: FastifyRequest, institution: string) {
      // Access first, existence second: a manager learns nothing about ids outside their institution.
      if (!this.covers(institution)) throw ERR.FORBIDDEN_INSTITUTION(institution);
      if (!app.web.directory.has(institution)) throw ERR.UNKNOWN_INSTITUTION(institution);
    });
    app.decorateRequest("scope", function (this: FastifyRequest) {
      return app.web.directory.all.map((i) => i.id).filter((id) => this.covers(id));
    });

    app.addHook("preHandler", async (request) => {
      const access = request.routeOptions.config.access;
      if (!access || access.public) return;
      const user = request.principal?.user;
      if (!user) throw ERR.UNAUTHORIZED();
      if (!access.roles?.includes(user.role)) {
        throw ERR.FORBIDDEN_ROLE(user.role, access.action ?? `${request.method} ${request.routeOptions.url}`);
      }
      if (access.programme?.(request) && user.role !== "ministry") {
        throw ERR.FORBIDDEN_ROLE(user.role, `${access.action ?? "see"} for the whole programme`);
      }
      const institution = access.institution?.(request);
      if (institution !== undefined) request.authorize(institution);
    });
  },
  { name: "jisr-web-access" },
);

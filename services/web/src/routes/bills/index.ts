/**
 * Electricity bills (under /api/v1), for the bills page (public/bills.html):
 *
 *   GET  /bills?institution=ID                 the bills in force, by reading date
 *   POST /bills                                 record one bill (JSON, the bill schema of @jisr/analytics)
 *   GET  /bills/reconciliation?institution=ID  each bill against our meter and tariff, the tariff fit and
 *                                               the IPMVP savings
 *   GET  /bills/reconciliation                  the programme: one row per institution (ministry only)
 *
 * Access (plugins/app/access.ts): reading follows the institution rule of every other route (a manager
 * or technician only for their institutions); recording is for the ministry and the institution's
 * manager, who hold the paper bills. The recorder's user id is stored with the bill.
 *
 * Bills are kept as `@jisr/analytics` bills/store.ts keeps them, in the directory given as the plugin's
 * `dir` option, else `JISR_BILLS_DIR`, else `data/bills` (the CLI's default), so `jisr bill list` and
 * the page see the same bills.
 */
import { bills as billsLib, type InstitutionsConfig } from "@jisr/analytics";
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import { ERR } from "../../errors.js";
import { ALL_ROLES } from "../../plugins/app/access.js";
import { errorResponses, institutionId } from "../../schemas/common.js";

const querySchema = z.strictObject({ institution: institutionId });
const optionalQuerySchema = z.strictObject({ institution: institutionId.optional() });
/** The body's institution is read before the full check, so that access is decided first (403 before 400). */
const bodyHead = z.looseObject({ institution: institutionId });

export interface BillRoutesOptions {
  /** The institutions file, loaded (meters and tariffs of each institution). */
  institutions: InstitutionsConfig;
  /** Where bills are kept; JISR_BILLS_DIR or data/bills by default. */
  dir?: string;
}

const billRoutes: FastifyPluginAsync<BillRoutesOptions> = async (app, opts) => {
  const store = new billsLib.BillStore(opts.dir ?? process.env.JISR_BILLS_DIR ?? "data/bills");
  const inQuery = (request: FastifyRequest) => (request.query as { institution?: string }).institution;

  app.get(
    "/bills",
    {
      schema: { querystring: querySchema, response: { ...errorResponses } },
      config: { access: { roles: ALL_ROLES, action: "see bills", institution: inQuery } },
    },
    async (request) => {
      const institution = inQuery(request) as string;
      return { institution, bills: store.list(institution) };
    },
  );

  app.post(
    "/bills",
    {
      schema: { body: bodyHead, response: { ...errorResponses } },
      config: {
        access: {
          roles: ["ministry", "manager"],
          action: "record bills",
          institution: (request) => (request.body as { institution: string }).institution,
        },
      },
    },
    async (request, reply) => {
      const checked = billsLib.validateBill(request.body);
      if (!checked.ok) {
        const error = ERR.INVALID_REQUEST("The bill");
        error.problems = checked.problems.map((p) => ({ path: `body.${p.path}`, message: p.message }));
        throw error;
      }
      let record: billsLib.StoredBill | undefined;
      try {
        [record] = store.add([checked.bill], request.principal?.user.id ?? "unknown");
      } catch (err) {
        if (!(err instanceof Error && "problems" in err)) throw err;
        const error = ERR.INVALID_REQUEST("The bill");
        error.problems = (err as Error & { problems: Array<{ path: string; message: string }> }).problems.map(
          (p) => ({ path: `body.${p.path.replace(/^0\./, "")}`, message: p.message }),
        );
        throw error;
      }
      request.log.info({ institution: checked.bill.institution, bill: record?.id }, "Bill recorded");
      return reply.code(201).send({ bill: record });
    },
  );

  app.get(
    "/bills/reconciliation",
    {
      schema: { querystring: optionalQuerySchema, response: { ...errorResponses } },
      config: {
        access: {
          roles: ALL_ROLES,
          action: "see bill reconciliations",
          institution: inQuery,
          programme: (request) => inQuery(request) === undefined,
        },
      },
    },
    async (request) => {
      const readings = app.web.store;
      const config = opts.institutions;
      const one = inQuery(request);
      if (one !== undefined) {
        const inst = config.institutions.find((i) => i.id === one);
        if (!inst) throw ERR.UNKNOWN_INSTITUTION(one);
        return { institution: await billsLib.institutionBills(readings, config, inst, store) };
      }
      const rows = [];
      for (const inst of config.institutions)
        rows.push(billsLib.programmeRow(await billsLib.institutionBills(readings, config, inst, store)));
      return { programme: rows };
    },
  );
};

export default billRoutes;

/** Open (pending or firing) alerts per institution, asked of the alerting service's API. */
import { type AlertingClient, AlertingUnavailableError } from "@jisr/alerting";
import type { FastifyBaseLogger } from "fastify";

/**
 * null when alerting does not run beside the page, or does not answer (unknown, not zero): the page
 * still renders, with the counts shown as unknown.
 */
export async function openAlertCounts(
  alerts: AlertingClient | undefined,
  institutions: readonly string[],
  log?: FastifyBaseLogger,
): Promise<Map<string, number> | null> {
  if (!alerts) return null;
  let open: Awaited<ReturnType<AlertingClient["list"]>>;
  try {
    open = await alerts.list({ institutions, state: "open", limit: 1000 });
  } catch (err) {
    if (!(err instanceof AlertingUnavailableError)) throw err;
    log?.warn({ err: err.message }, "Alert counts unknown: the alerting service does not answer");
    return null;
  }
  const counts = new Map(institutions.map((id) => [id, 0]));
  for (const a of open) counts.set(a.institution, (counts.get(a.institution) ?? 0) + 1);
  return counts;
}

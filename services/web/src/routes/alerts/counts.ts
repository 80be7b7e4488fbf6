/** Open (pending or firing) alerts per institution, from the alerting service's state file. */
import type { AlertStore } from "@jisr/alerting/store/alert-store";

/** null when alerting does not run beside the page (unknown, not zero). */
export function openAlertCounts(
  alerts: AlertStore | undefined,
  institutions: readonly string[],
): Map<string, number> | null {
  if (!alerts) return null;
  const counts = new Map(institutions.map((id) => [id, 0]));
  for (const a of alerts.listAlerts({ institutions, state: "open", limit: 1000 })) {
    counts.set(a.institution, (counts.get(a.institution) ?? 0) + 1);
  }
  return counts;
}

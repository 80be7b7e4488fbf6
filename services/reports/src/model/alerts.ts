/**
 * Alerts in a report: how many fired in the period and how long they took to resolve. Read through the one
 * method a report needs, which the alerting API's client (`alertingClient` of services/alerting, over
 * HTTP) has, as does its `AlertStore` inside that service (a test can pass a list).
 */
import type { AlertFigures } from "./types.js";

/** What a report needs of an alert (a subset of services/alerting's `Alert`). */
export interface AlertRecord {
  institution: string;
  /** When it went from pending to firing (epoch ms): "raised". */
  firingSince: number | null;
  resolvedAt: number | null;
}

export interface AlertHistory {
  /** Alerts whose firing started in [from, to), of these institutions (all when undefined). */
  firedBetween(
    from: number,
    to: number,
    institutions?: readonly string[],
  ): readonly AlertRecord[] | Promise<readonly AlertRecord[]>;
}

const HOUR_MS = 3_600_000;

/**
 * Count and mean time to resolve, from firing to resolution (the pending time before firing is the rule's
 * `for`, not the technicians' response). Alerts still open count as raised, not in the mean.
 */
export function alertFigures(alerts: readonly AlertRecord[]): AlertFigures {
  const durations = alerts
    .filter((a) => a.firingSince !== null && a.resolvedAt !== null)
    .map((a) => (a.resolvedAt as number) - (a.firingSince as number));
  const mean = durations.length > 0 ? durations.reduce((x, y) => x + y, 0) / durations.length : undefined;
  return {
    raised: alerts.filter((a) => a.firingSince !== null).length,
    resolved: durations.length,
    ...(mean !== undefined ? { meanTimeToResolveHours: mean / HOUR_MS } : {}),
  };
}

/** The period's alerts grouped by institution. */
export async function readAlerts(
  history: AlertHistory,
  from: number,
  to: number,
  institutions?: readonly string[],
): Promise<Map<string, AlertRecord[]>> {
  const byInstitution = new Map<string, AlertRecord[]>();
  for (const alert of await history.firedBetween(from, to, institutions)) {
    const list = byInstitution.get(alert.institution) ?? [];
    list.push(alert);
    byInstitution.set(alert.institution, list);
  }
  return byInstitution;
}

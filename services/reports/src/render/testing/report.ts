/** The reports the renderers' tests draw: the fixture of model/testing/fixtures.ts through buildReport. */
import { SqliteStore } from "@jisr/core/store";
import { pino } from "pino";
import type { AlertRecord } from "../../model/alerts.js";
import { buildReport } from "../../model/build.js";
import { INSTITUTIONS, monthlyPoints } from "../../model/testing/fixtures.js";
import type { Report } from "../../model/types.js";

/** 10 December 2026, 01:00 in Ben Guerir: the fourth quarter is still running. */
export const MADE_AT = Date.UTC(2026, 11, 10);

const ALERTS: AlertRecord[] = [
  { institution: "dar-a", firingSince: Date.UTC(2026, 9, 3, 8), resolvedAt: Date.UTC(2026, 9, 3, 13) },
];

export async function fixtureReport(o: { period?: string; institution?: string } = {}): Promise<Report> {
  const store = new SqliteStore({ path: ":memory:", logger: pino({ level: "silent" }) });
  try {
    await store.init();
    await store.write(monthlyPoints());
    return await buildReport({
      store,
      period: o.period ?? "2026-Q4",
      institutions: INSTITUTIONS,
      alerts: { firedBetween: () => ALERTS },
      now: MADE_AT,
      ...(o.institution ? { institution: o.institution } : {}),
    });
  } finally {
    await store.close();
  }
}

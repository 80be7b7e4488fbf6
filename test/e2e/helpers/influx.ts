/** Reading back what InfluxDB holds, for the end-to-end tests (InfluxQL over /query, times in ms). */

export type Row = Record<string, unknown>;

export async function query(url: string, database: string, q: string): Promise<Row[]> {
  const params = new URLSearchParams({ db: database, q, epoch: "ms" });
  const res = await fetch(`${url}/query?${params}`, { method: "POST" });
  const body = (await res.json()) as {
    results: Array<{ error?: string; series?: Array<{ columns: string[]; values: unknown[][] }> }>;
  };
  const result = body.results[0];
  if (result?.error) throw new Error(`${q}: ${result.error}`);
  return (result?.series ?? []).flatMap((s) =>
    s.values.map((row) => Object.fromEntries(s.columns.map((c, i) => [c, row[i]]))),
  );
}

/**
 * The distinct timestamps of one device's points in every measurement, as stored. A poll's points carry
 * the time of the answer that brought their registers (one per SunSpec model), so a poll may stamp its
 * pv_inverter and pv_mppt points a few milliseconds apart: each of those times must be stored.
 */
export async function storedTimes(url: string, database: string, device: string): Promise<number[]> {
  const rows = await query(url, database, `SELECT * FROM /.*/ WHERE "device"::tag = '${device}'`);
  return [...new Set(rows.map((r) => r.time as number))];
}

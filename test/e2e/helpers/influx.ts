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

/** The timestamps of one device's pv_inverter points, as stored (one row per series and time). */
export async function storedTimes(url: string, database: string, device: string): Promise<number[]> {
  const rows = await query(url, database, `SELECT power_w FROM pv_inverter WHERE device = '${device}'`);
  return rows.map((r) => r.time as number);
}

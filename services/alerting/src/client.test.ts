/**
 * The API's client against the API listening on loopback: what another process (the web page) sees,
 * answers checked against the API's schemas, its errors told apart (refused vs not answering).
 */
import { createServer } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AlertingApiError, AlertingUnavailableError, alertingClient } from "./client.js";
import { condition, HOUR, T0 } from "./engine/testing/helpers.js";
import { type ApiBed, apiBed, INSTITUTION, OTHER_INSTITUTION } from "./testing/service.js";

let bed: ApiBed;
let url: string;
beforeEach(async () => {
  bed = await apiBed();
  url = await bed.app.listen({ host: "127.0.0.1", port: 0 });
});
afterEach(() => bed.close());

describe("alertingClient", () => {
  it("lists, reads and acknowledges for a person, over HTTP", async () => {
    bed.evaluate([
      condition({ device: "inv-1" }),
      condition({ institution: OTHER_INSTITUTION, device: "swh-1" }),
    ]);
    const client = alertingClient({ url, token: bed.serviceToken });
    const mine = await client.list({ institutions: [INSTITUTION], state: "open" });
    expect(mine.map((a) => a.device)).toEqual(["inv-1"]);
    const id = mine[0]?.id as string;
    expect((await client.get(id))?.institution).toBe(INSTITUTION);
    expect(await client.get("alt_nope")).toBeUndefined();
    const acked = await client.acknowledge(id, { by: "Youssef Amrani (youssef)", comment: "ok" });
    expect(acked.ack).toEqual({
      by: "Youssef Amrani (youssef)",
      at: new Date(T0).toISOString(),
      comment: "ok",
    });
    expect(bed.alerts.getAlert(id)?.ack?.by).toBe("Youssef Amrani (youssef)");
  });

  it("gives the report's view of a period: who fired when, and when it resolved", async () => {
    bed.evaluate([condition({ device: "inv-1" })]);
    bed.now = T0 + HOUR;
    bed.evaluate([condition({ device: "inv-1", active: false })]);
    const client = alertingClient({ url, token: bed.adminToken });
    expect(await client.firedBetween(T0, T0 + HOUR, [INSTITUTION])).toEqual([
      { institution: INSTITUTION, firingSince: T0, resolvedAt: T0 + HOUR },
    ]);
    expect(await client.firedBetween(T0 + HOUR, T0 + 2 * HOUR)).toEqual([]);
  });

  it("tells a refusal (the API's code) from a service that does not answer (naming where)", async () => {
    bed.evaluate([condition()]);
    const [alert] = bed.alerts.openAlerts();
    const tech = alertingClient({ url, token: bed.techToken });
    const refused = await tech.acknowledge(alert?.id as string, { by: "x" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AlertingApiError);
    expect(refused).toMatchObject({ statusCode: 403, code: "JISR_ERR_FORBIDDEN_ON_BEHALF" });

    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    await new Promise((r) => server.close(r));
    const down = alertingClient({ url: `http://127.0.0.1:${port}`, token: bed.adminToken, timeoutMs: 2000 });
    const err = await down.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlertingUnavailableError);
    expect((err as Error).message).toBe(
      `The alerting service at http://127.0.0.1:${port} is unavailable: ECONNREFUSED`,
    );
  });
});

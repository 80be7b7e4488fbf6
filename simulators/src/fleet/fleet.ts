/**
 * A fleet of simulated sites posting to the ingestion service, cheap enough for thousands in one process:
 * no Modbus, no gateway, each site is a token, a phase in the 10 s period and a few numbers of state.
 * Every period a site posts 5 points of 10 fields (50 fields) as line protocol over a kept-alive HTTP
 * connection: two PV inverters whose power follows core's sun model at the site's place, a grid meter
 * (the building's load minus the PV), a solar hot water loop and the gateway's own status.
 * Time may be compressed: `timeScale` simulated seconds per wall second, so a day's curve fits a run.
 */
import { writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { defaultPvArray, type PvArrayConfig, pvOperatingPoint } from "@jisr/core/solar";
import { generateToken, hashToken, newTokenId } from "@jisr/service-kit";

export interface FleetSite {
  institution: string;
  token: string;
  /** Where in the period this site posts, ms. */
  phaseMs: number;
  kwp: number;
  pv: PvArrayConfig;
  energyWh: [number, number];
  importWh: number;
  exportWh: number;
}

/** N sites, each with its own token; writes the tokens file (hashes only) the service reads. */
export function makeFleet(n: number, tokensFile: string, periodMs: number, seed = 1): FleetSite[] {
  let s = seed;
  const rand = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const sites: FleetSite[] = [];
  const entries: Array<Record<string, string>> = [];
  const created = new Date().toISOString();
  for (let i = 0; i < n; i++) {
    const institution = `site-${String(i).padStart(5, "0")}`;
    const token = generateToken();
    entries.push({ id: newTokenId(), institution, sha256: hashToken(token), created });
    const kwp = 5 + Math.round(rand() * 25);
    // Morocco, from Tangier to Dakhla: the curve shifts with the place.
    const pv = { ...defaultPvArray(kwp), latDeg: 23.7 + rand() * 12, lonDeg: -15.9 + rand() * 14 };
    sites.push({
      institution,
      token,
      phaseMs: Math.floor(rand() * periodMs),
      kwp,
      pv,
      energyWh: [1e6 * rand(), 1e6 * rand()],
      importWh: 1e6 * rand(),
      exportWh: 1e5 * rand(),
    });
  }
  writeFileSync(tokensFile, JSON.stringify({ version: 1, tokens: entries }), { mode: 0o600 });
  return sites;
}

const r1 = (x: number) => Math.round(x * 10) / 10;

/** The 5 lines of one site at simulated time `simMs` (epoch ms), `stepS` simulated seconds after the last. */
export function siteLines(site: FleetSite, simMs: number, stepS: number): string {
  const op = pvOperatingPoint(simMs, site.pv);
  const lines: string[] = [];
  for (let k = 0; k < 2; k++) {
    const acW = (op.acW / 2) * (1 + (k === 0 ? 0.01 : -0.01));
    site.energyWh[k] = (site.energyWh[k] as number) + (acW * stepS) / 3600;
    const dcV = acW > 0 ? 600 + op.moduleC : 0;
    lines.push(
      `pv_inverter,device=inv-${k + 1} power_w=${r1(acW)},energy_wh=${r1(site.energyWh[k] as number)},` +
        `ac_voltage_v=${r1(230 + Math.sin(simMs / 6e5) * 3)},ac_current_a=${r1(acW / 690)},frequency_hz=50,` +
        `dc_power_w=${r1(acW / 0.96)},dc_voltage_v=${r1(dcV)},dc_current_a=${r1(dcV > 0 ? acW / 0.96 / dcV : 0)},` +
        `cabinet_temperature_c=${r1(op.ambientC + 8)},state="${acW > 0 ? "MPPT" : "SLEEPING"}" ${simMs}`,
    );
  }
  const loadW = 1500 + 800 * Math.sin((simMs / 864e5) * 2 * Math.PI) ** 2;
  const netW = loadW - op.acW;
  if (netW > 0) site.importWh += (netW * stepS) / 3600;
  else site.exportWh += (-netW * stepS) / 3600;
  lines.push(
    `grid_meter,device=meter-1 power_w=${r1(netW)},import_wh=${r1(site.importWh)},export_wh=${r1(site.exportWh)},` +
      `voltage_l1_v=230.2,voltage_l2_v=229.8,voltage_l3_v=231.1,current_l1_a=${r1(netW / 690)},` +
      `current_l2_a=${r1(netW / 700)},current_l3_a=${r1(netW / 710)},power_factor=0.97 ${simMs}`,
  );
  const solarGain = op.poaWm2 * 0.004;
  lines.push(
    `solar_hot_water,device=swh-1 collector_temperature_c=${r1(op.ambientC + solarGain * 20)},` +
      `tank_top_temperature_c=${r1(45 + solarGain * 5)},tank_bottom_temperature_c=${r1(30 + solarGain * 5)},` +
      `flow_l_min=${r1(op.poaWm2 > 100 ? 8 : 0)},pump_on=${op.poaWm2 > 100},heat_w=${r1(op.poaWm2 * 2)},` +
      `backup_heater_on=false,ambient_temperature_c=${r1(op.ambientC)},irradiance_w_m2=${r1(op.poaWm2)},` +
      `pressure_bar=2.1 ${simMs}`,
  );
  lines.push(
    `gateway_status,device=gw-1 uptime_s=${Math.floor(simMs / 1000) % 1e6},queue_points=0,queue_bytes=0,` +
      `modbus_errors=0,mqtt_connected=false,cpu_pct=7.5,memory_mb=48.2,disk_free_mb=2048,` +
      `temperature_c=${r1(op.ambientC + 15)},last_poll_ms=180 ${simMs}`,
  );
  return lines.join("\n");
}

export interface FleetResult {
  /** Batches due, and sent. */
  offered: number;
  ok: number;
  /** Answers other than 204 and transport errors, by status or error code. */
  errors: Record<string, number>;
  /** Milliseconds from each batch's due time to its 204. */
  latencies: number[];
  /** Milliseconds from each batch's due time to its sending: the simulator's own lag, within the above. */
  sendLags: number[];
  wallSeconds: number;
}

export interface FleetRun {
  url: string;
  sites: FleetSite[];
  /** Wall ms between two posts of one site; default 10 000. */
  periodMs?: number;
  durationMs: number;
  /** Simulated seconds per wall second; default 1. */
  timeScale?: number;
  /** Simulated start (epoch ms); default now. */
  simStartMs?: number;
  /** Most connections at once; default 1024 (the service's default cap). */
  maxSockets?: number;
  /** A request not answered within this is counted an error ("timeout"); default 30 s. */
  timeoutMs?: number;
  /**
   * Batches due in the first `warmupMs` are sent and counted (offered, stored, errors) but their latency
   * is not: the first period opens every connection and warms the service up; default 0.
   */
  warmupMs?: number;
}

/** Runs the fleet for `durationMs`, then waits for the answers still due. */
export async function runFleet(o: FleetRun): Promise<FleetResult> {
  const periodMs = o.periodMs ?? 10_000;
  const scale = o.timeScale ?? 1;
  const agent = new Agent({ keepAlive: true, maxSockets: o.maxSockets ?? 1024 });
  const target = new URL("/api/v1/write?precision=ms", o.url);
  const result: FleetResult = {
    offered: 0,
    ok: 0,
    errors: {},
    latencies: [],
    sendLags: [],
    wallSeconds: 0,
  };
  const start = Date.now();
  const simStart = o.simStartMs ?? start;
  const pending = new Set<Promise<void>>();
  const fail = (why: string) => {
    result.errors[why] = (result.errors[why] ?? 0) + 1;
  };
  const post = (site: FleetSite, due: number) => {
    const simMs = Math.floor(simStart + (due - start) * scale);
    const body = siteLines(site, simMs, (periodMs / 1000) * scale);
    result.offered++;
    const measured = due - start >= (o.warmupMs ?? 0);
    if (measured) result.sendLags.push(Date.now() - due);
    const done = new Promise<void>((resolve) => {
      const req = request(
        target,
        {
          method: "POST",
          agent,
          headers: { authorization: `Bearer ${site.token}`, "content-type": "text/plain" },
          timeout: o.timeoutMs ?? 30_000,
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode === 204) {
              result.ok++;
              if (measured) result.latencies.push(Date.now() - due);
            } else fail(String(res.statusCode));
            resolve();
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", (err: NodeJS.ErrnoException) => {
        fail(err.code ?? err.message);
        resolve();
      });
      req.end(body);
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
  };
  // One timer for the whole fleet: every 20 ms, the sites whose due time has come (sorted by phase).
  const order = [...o.sites].sort((a, b) => a.phaseMs - b.phaseMs);
  let period = 0;
  let next = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = Date.now();
      for (;;) {
        if (next >= order.length) {
          next = 0;
          period++;
        }
        const site = order[next] as FleetSite;
        const due = start + period * periodMs + site.phaseMs;
        if (due - start >= o.durationMs) {
          clearInterval(timer);
          resolve();
          return;
        }
        if (due > now) break;
        post(site, due);
        next++;
      }
    }, 20);
  });
  await Promise.all(pending);
  agent.destroy();
  result.wallSeconds = (Date.now() - start) / 1000;
  return result;
}

export function percentile(sorted: number[], q: number): number {
  return sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
}

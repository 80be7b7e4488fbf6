/**
 * `jisr inventory import`: today's three descriptions of an institution (the analytics institutions file,
 * the alerting config, the gateway configs) into one inventory. Pure: the files come in parsed, and the
 * result is the programme, one object per institution, the alerting settings that stay the service's
 * own, and what could not be carried over (each with the file it is in).
 */
import { isAbsolute, relative, resolve } from "node:path";

type Raw = Record<string, unknown>;

export interface LegacyFiles {
  analytics: { raw: Raw; dir: string; path: string };
  alerting?: { raw: Raw; path: string };
  gateways: { raw: Raw; path: string }[];
}

export interface ImportResult {
  programme: Raw;
  institutions: Raw[];
  /** The alerting file without its institutions and the recipients that became contacts. */
  alertingSettings?: Raw;
  problems: { file: string; message: string }[];
}

const isRecord = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
const recordOf = (v: unknown): Raw => (isRecord(v) ? v : {});
const arrayOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** camelCase keys → snake_case, deeply (the hot-water settings' old spelling). */
export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeKeys(v)]),
  );
}

export function importLegacy(files: LegacyFiles, outDir: string): ImportResult {
  const problems: ImportResult["problems"] = [];
  const a = files.analytics.raw;
  const alerting = files.alerting?.raw ?? {};
  const sites = new Map(
    arrayOf(alerting.institutions)
      .filter(isRecord)
      .map((i) => [String(i.id), i]),
  );
  const gateways = new Map(files.gateways.map((g) => [String(g.raw.institution), g]));
  const firstUplink = recordOf(files.gateways[0]?.raw.uplink);
  const co2 = isRecord(a.co2) ? co2Of(a.co2) : undefined;
  const recipients = arrayOf(alerting.recipients).filter(isRecord);
  const contactRecipients = recipients.filter((r) => typeof recordOf(r.channels).email === "string");
  const programme: Raw = {
    time_zone: a.time_zone ?? "Africa/Casablanca",
    ...(co2 && { co2 }),
    ...pick(a, ["reading_interval", "gap", "max_gap"]),
    ...(firstUplink.url !== undefined && {
      gateways: {
        ingestion_url: firstUplink.url,
        ...(firstUplink.token_file !== undefined && { token_file: firstUplink.token_file }),
      },
    }),
    alerts: { notify_roles: contactRecipients.length > 0 ? ["technician"] : [] },
  };
  const institutions = Object.entries(recordOf(a.institutions)).map(([id, rawInst]) => {
    const inst = recordOf(rawInst);
    const site = recordOf(sites.get(id)?.site);
    const gw = gateways.get(id);
    if (!sites.has(id) && files.alerting)
      problems.push({ file: files.alerting.path, message: `${id}: not in the alerting file` });
    if (!gw) problems.push({ file: files.analytics.path, message: `${id}: no gateway file names it` });
    const tariff = String(inst.tariff ?? "");
    const tariffAbs = isAbsolute(tariff) ? tariff : resolve(files.analytics.dir, tariff);
    return {
      id,
      names: inst.name,
      location: inst.location,
      tariff: { file: relative(outDir, tariffAbs) },
      ...(isRecord(inst.co2) && { co2: co2Of(inst.co2) }),
      ...pick(inst, ["reading_interval"]),
      gateway: gw ? gatewayOf(gw.raw, firstUplink) : { id: "gateway" },
      devices: gw ? devicesOf(gw.raw) : [],
      ...(isRecord(inst.pv) && { pv: pvOf(id, inst.pv, site, problems, files.alerting?.path) }),
      ...(isRecord(inst.grid_meter) && { grid_meter: inst.grid_meter }),
      ...(isRecord(inst.hot_water) && { hot_water: hotWaterOf(inst.hot_water) }),
      contacts: contactRecipients
        .filter((r) => arrayOf(r.institutions).some((i) => i === "*" || i === id))
        .map((r) => ({
          id: r.id,
          name: r.name,
          role: "technician",
          language: r.language,
          email: recordOf(r.channels).email,
          ...(r.min_severity !== undefined && { min_severity: r.min_severity }),
        })),
    };
  });
  for (const [id, gw] of gateways)
    if (!(id in recordOf(a.institutions)))
      problems.push({ file: gw.path, message: `institution ${id} is not in the analytics file` });
  const { institutions: _i, recipients: _r, ...settings } = alerting;
  // A recipient with a webhook or MQTT topic is not a person: it stays in the alerting settings.
  const kept = recipients.filter((r) => !contactRecipients.includes(r));
  return {
    programme,
    institutions,
    ...(files.alerting && {
      alertingSettings: { ...settings, ...(kept.length > 0 && { recipients: kept }) },
    }),
    problems,
  };
}

function pick(from: Raw, keys: string[]): Raw {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]]));
}

function co2Of(c: Raw): Raw {
  // "U:" marks a figure not yet confirmed (analytics' reliability tags).
  return { ...c, provisional: typeof c.source === "string" && c.source.startsWith("U") };
}

function gatewayOf(gw: Raw, programmeUplink: Raw): Raw {
  const { url, token_file, token: _token, ...uplink } = recordOf(gw.uplink);
  const overrides = {
    ...(url !== programmeUplink.url && { url }),
    ...(token_file !== undefined && token_file !== programmeUplink.token_file && { token_file }),
    ...uplink,
  };
  const mqtt = recordOf(gw.mqtt);
  const { devices: _devices, ...broker } = mqtt;
  return {
    id: gw.gateway_id ?? "gateway",
    ...(Object.keys(overrides).length > 0 && { uplink: overrides }),
    ...pick(gw, ["data_dir", "buffer", "health", "local_page"]),
    ...(isRecord(gw.mqtt) && { mqtt_broker: broker }),
  };
}

function devicesOf(gw: Raw): Raw[] {
  const modbus = arrayOf(gw.devices)
    .filter(isRecord)
    .map((d) => ({ protocol: d.serial !== undefined ? "modbus_rtu" : "modbus_tcp", ...d }));
  const mqtt = arrayOf(recordOf(gw.mqtt).devices)
    .filter(isRecord)
    .map((d) => ({ protocol: "mqtt", ...d }));
  return [...modbus, ...mqtt];
}

function pvOf(
  id: string,
  pv: Raw,
  site: Raw,
  problems: ImportResult["problems"],
  alertingPath?: string,
): Raw {
  const { inverters, ...counter } = pv;
  const rated = recordOf(site.inverters);
  const arrays = arrayOf(inverters).map((inv) => {
    const r = recordOf(rated[String(inv)]);
    if (r.kwp === undefined)
      problems.push({
        file: alertingPath ?? "(no alerting file)",
        message: `${id}: the kWp of inverter ${String(inv)} is not known (site.inverters.${String(inv)}.kwp)`,
      });
    return {
      kwp: r.kwp,
      ...pick(r, ["tilt_deg", "azimuth_deg"]),
      inverters: [inv],
      ...pick(r, ["ac_rating_w", "inputs"]),
    };
  });
  return {
    arrays,
    ...(site.irradiance_sensor !== undefined && { irradiance_sensor: site.irradiance_sensor }),
    ...counter,
  };
}

function hotWaterOf(hw: Raw): Raw {
  const meters = recordOf(hw.heat_meters);
  const settings = recordOf(snakeKeys(hw.settings ?? {}));
  const { co2, ...rest } = settings;
  const butane = recordOf(co2).butane_kg_per_kg;
  return {
    heaters: arrayOf(hw.devices).map((d) => ({
      device: d,
      ...(meters[String(d)] !== undefined && { heat_meter: meters[String(d)] }),
    })),
    ...rest,
    ...(butane !== undefined && { butane_co2_kg_per_kg: butane }),
  };
}

/**
 * Inventory → the institutions (and recipients) of the alerting config (services/alerting/src/config/
 * schema.ts, `institutions[].site`), in the form that file is written. The alerting service merges them
 * into its own settings file (evaluation interval, delivery, API) and parses the whole with its loader.
 */
import type { Inventory, InventoryInstitution, Programme } from "./schema.js";

export interface AlertingInstitutionInput {
  id: string;
  name: string;
  names: { ar: string; en?: string };
  site: {
    latitude: number;
    longitude: number;
    time_zone: string;
    gateways: string[];
    devices: string[];
    inverters: Record<string, Record<string, unknown>>;
    solar_water_heaters: Record<string, { heat_meter?: string }>;
    irradiance_sensor?: string;
  };
}

export interface AlertingRecipientInput {
  id: string;
  name: string;
  language: "fr" | "ar" | "en";
  institutions: string[];
  min_severity: string;
  channels: { email: string };
}

export interface AlertingInventoryInput {
  institutions: AlertingInstitutionInput[];
  recipients: AlertingRecipientInput[];
}

export function deriveAlerting(inventory: Inventory): AlertingInventoryInput {
  return {
    institutions: inventory.institutions.map((i) => institutionOf(i, inventory.programme)),
    recipients: recipientsOf(inventory),
  };
}

function institutionOf(inst: InventoryInstitution, programme: Programme): AlertingInstitutionInput {
  const inverters: AlertingInstitutionInput["site"]["inverters"] = {};
  for (const array of inst.pv?.arrays ?? []) {
    for (const id of array.inverters) {
      inverters[id] = {
        // The rules judge each inverter against its share of the array.
        kwp: array.kwp / array.inverters.length,
        ...(array.tilt_deg !== undefined && { tilt_deg: array.tilt_deg }),
        ...(array.azimuth_deg !== undefined && { azimuth_deg: array.azimuth_deg }),
        ...(array.ac_rating_w !== undefined && { ac_rating_w: array.ac_rating_w }),
        ...(array.inputs !== undefined && { inputs: array.inputs }),
      };
    }
  }
  const heaters = inst.hot_water?.heaters ?? [];
  const judgedApart = new Set([...Object.keys(inverters), ...heaters.map((h) => h.device)]);
  return {
    id: inst.id,
    name: inst.names.fr,
    names: { ar: inst.names.ar, ...(inst.names.en !== undefined && { en: inst.names.en }) },
    site: {
      latitude: inst.location.latitude,
      longitude: inst.location.longitude,
      time_zone: programme.time_zone,
      gateways: [inst.gateway.id],
      // Every other device (grid meter, heat meters, sensors) is expected to report too.
      devices: inst.devices.map((d) => d.id).filter((id) => !judgedApart.has(id)),
      inverters,
      solar_water_heaters: Object.fromEntries(
        heaters.map((h) => [h.device, h.heat_meter !== undefined ? { heat_meter: h.heat_meter } : {}]),
      ),
      ...(inst.pv?.irradiance_sensor !== undefined && { irradiance_sensor: inst.pv.irradiance_sensor }),
    },
  };
}

/**
 * Contacts of the roles the programme notifies, with an e-mail, become recipients; a person who covers
 * several institutions (same contact id) is one recipient of all of them.
 */
function recipientsOf(inventory: Inventory): AlertingRecipientInput[] {
  const { notify_roles, min_severity } = inventory.programme.alerts;
  const byId = new Map<string, AlertingRecipientInput>();
  for (const inst of inventory.institutions) {
    for (const c of inst.contacts) {
      if (!notify_roles.includes(c.role) || c.email === undefined) continue;
      const known = byId.get(c.id);
      if (known) known.institutions.push(inst.id);
      else
        byId.set(c.id, {
          id: c.id,
          name: c.name,
          language: c.language,
          institutions: [inst.id],
          min_severity: c.min_severity ?? min_severity,
          channels: { email: c.email },
        });
    }
  }
  return [...byId.values()];
}

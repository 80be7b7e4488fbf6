/**
 * Inventory → one institution's gateway config (gateway/src/config/schema.ts), in the form that file is
 * written: what `jisr inventory provision` writes for the gateway box. Modbus devices go to `devices`,
 * MQTT devices under `mqtt` with the institution's broker; names (for people) stay in the inventory.
 */
import type { Inventory, InventoryDevice, InventoryInstitution } from "./schema.js";

export interface GatewayConfigInput {
  institution: string;
  gateway_id: string;
  uplink: Record<string, unknown>;
  devices: Record<string, unknown>[];
  [key: string]: unknown;
}

export class InventoryLookupError extends Error {}

export function findInstitution(inventory: Inventory, id: string): InventoryInstitution {
  const inst = inventory.institutions.find((i) => i.id === id);
  if (!inst) {
    const ids = inventory.institutions.map((i) => i.id).join(", ");
    throw new InventoryLookupError(`no institution "${id}" in the inventory (it has: ${ids})`);
  }
  return inst;
}

export function deriveGateway(inventory: Inventory, id: string): GatewayConfigInput {
  const inst = findInstitution(inventory, id);
  const defaults = inventory.programme.gateways;
  const { url, token_file, ...uplink } = inst.gateway.uplink ?? {};
  const uplinkUrl = url ?? defaults?.ingestion_url;
  if (uplinkUrl === undefined)
    throw new InventoryLookupError(
      `${id}: no ingestion URL: give gateways.ingestion_url in programme.yaml or gateway.uplink.url`,
    );
  const tokenFile = token_file ?? defaults?.token_file;
  const g = inst.gateway;
  const mqttDevices = inst.devices.filter((d) => d.protocol === "mqtt");
  return {
    institution: inst.id,
    gateway_id: g.id,
    uplink: { url: uplinkUrl, ...(tokenFile !== undefined && { token_file: tokenFile }), ...uplink },
    ...(g.data_dir !== undefined && { data_dir: g.data_dir }),
    ...(g.buffer !== undefined && { buffer: g.buffer }),
    ...(g.health !== undefined && { health: g.health }),
    ...(g.local_page !== undefined && { local_page: g.local_page }),
    devices: inst.devices.filter((d) => d.protocol !== "mqtt").map(deviceOf),
    ...(mqttDevices.length > 0 && {
      mqtt: { ...g.mqtt_broker, devices: mqttDevices.map(deviceOf) },
    }),
  };
}

/** A device as the gateway file writes it: without the inventory's protocol and names. */
function deviceOf(device: InventoryDevice): Record<string, unknown> {
  const { protocol: _protocol, names: _names, ...rest } = device;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}

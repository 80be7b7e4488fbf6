/**
 * Inventory → the directory people see (web page, reports, Grafana folders): each institution's names,
 * place, devices with their friendly names, and who covers it. The web service's figures still come
 * from the analytics config (derive-analytics.ts); this is what it shows about the institutions.
 */
import type { Inventory } from "./schema.js";

export type Names = { fr?: string; ar?: string; en?: string };

export interface DirectoryEntry {
  id: string;
  names: { fr: string; ar: string; en?: string };
  location: { latitude: number; longitude: number; commune: string; province?: string };
  devices: { id: string; names: Names; protocol: string }[];
  contacts: { id: string; name: string; role: string; language: string; email?: string; phone?: string }[];
}

export function deriveDirectory(inventory: Inventory): DirectoryEntry[] {
  return inventory.institutions.map((inst) => ({
    id: inst.id,
    names: inst.names,
    location: inst.location,
    devices: inst.devices.map((d) => ({ id: d.id, names: d.names ?? {}, protocol: d.protocol })),
    contacts: inst.contacts.map(({ min_severity: _, ...c }) => c),
  }));
}

/** A device's name in `lang`, falling back to French, then to its id. */
export function deviceName(entry: DirectoryEntry, device: string, lang: keyof Names): string {
  const names = entry.devices.find((d) => d.id === device)?.names;
  return names?.[lang] ?? names?.fr ?? device;
}

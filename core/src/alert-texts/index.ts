/**
 * The alert texts in fr, ar and en, shared by the alerting service (central alerts) and the gateway (local
 * alerts on site), so a technician reads the same words from both.
 */
import { ar } from "./ar.js";
import { en } from "./en.js";
import { fr } from "./fr.js";
import type { Catalogue, Language } from "./types.js";

export const CATALOGUES: Record<Language, Catalogue> = { fr, ar, en };

export function catalogue(language: Language): Catalogue {
  return CATALOGUES[language];
}

export * from "./format.js";
export * from "./types.js";
export { ar, en, fr };

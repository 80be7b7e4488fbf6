/** The three catalogues, by language. */
import type { Language } from "../config/schema.js";
import { ar } from "./ar.js";
import { en } from "./en.js";
import { fr } from "./fr.js";
import type { Catalogue } from "./types.js";

export const CATALOGUES: Record<Language, Catalogue> = { fr, ar, en };

export function catalogue(language: Language): Catalogue {
  return CATALOGUES[language];
}

export type { Catalogue } from "./types.js";

/** The reports' catalogues by language. */
import { ar } from "./ar.js";
import { en } from "./en.js";
import { fr } from "./fr.js";
import type { Catalogue, Lang } from "./types.js";

export const CATALOGUES: Record<Lang, Catalogue> = { fr, ar, en };

export function catalogue(lang: Lang): Catalogue {
  return CATALOGUES[lang];
}

export * from "./types.js";

/**
 * Assembles a dashboard: places panels row by row on Grafana's 24-column grid, numbers them, and adds the
 * variables and links every Jisr dashboard shares.
 */

import { type Lang, translator } from "./i18n.js";
import {
  DATASOURCE,
  type Dashboard,
  type Panel,
  SCHEMA_VERSION,
  TIMEZONE,
  type Variable,
  type VariableOption,
} from "./model.js";
import type { PanelDraft } from "./panels.js";

export const GRID_COLUMNS = 24;

/** Every Jisr dashboard carries this tag; the dashboard links list the others by it. */
export const JISR_TAG = "jisr";

const INSTITUTION_QUERY = 'SHOW TAG VALUES WITH KEY = "institution"';

/**
 * The institution selector. For the ministry and technicians (`many`), multi-value with "All": Grafana
 * then sends `(a|b|…)`, which `"institution"::tag =~ /^$institution$/` matches exactly. For a facility
 * manager (`one`), a single institution, no "All": a manager's dashboard is about one place, and its
 * figures (power now, savings) must never silently add up several. Either way it narrows what is shown,
 * it does not restrict who may see what: a viewer can pick any value (see README).
 */
export function institutionVariable(scope: "many" | "one" = "many", lang: Lang = "fr"): Variable {
  const many = scope === "many";
  const t = translator(lang);
  return {
    type: "query",
    name: "institution",
    label: t({ fr: "Établissement", ar: "المؤسسة", en: "Institution" }),
    description: many
      ? t({
          fr: "Filtre d'affichage (pas un contrôle d'accès) : un ou plusieurs établissements, ou tous.",
          ar: "تصفية العرض (وليست تحكمًا في الوصول): مؤسسة واحدة أو أكثر، أو الكل.",
          en: "Display filter (not access control): one or more institutions, or all.",
        })
      : t({
          fr: "Filtre d'affichage (pas un contrôle d'accès) : un établissement.",
          ar: "تصفية العرض (وليست تحكمًا في الوصول): مؤسسة واحدة.",
          en: "Display filter (not access control): one institution.",
        }),
    query: INSTITUTION_QUERY,
    definition: INSTITUTION_QUERY,
    datasource: { ...DATASOURCE },
    // Without "All", Grafana selects the first institution when the dashboard opens.
    current: many
      ? { selected: true, text: ["All"], value: ["$__all"] }
      : { selected: false, text: "", value: "" },
    options: [],
    multi: many,
    includeAll: many,
    refresh: 1,
    sort: 1,
    hide: 0,
  };
}

/** A fixed list of choices, e.g. how many minutes without a reading make a device "silent". */
export function customVariable(
  name: string,
  label: string,
  description: string,
  values: string[],
  selected: string,
): Variable {
  if (!values.includes(selected)) throw new Error(`variable ${name}: default "${selected}" is not a choice`);
  const options: VariableOption[] = values.map((v) => ({ text: v, value: v, selected: v === selected }));
  return {
    type: "custom",
    name,
    label,
    description,
    query: values.join(","),
    current: { selected: true, text: selected, value: selected },
    options,
    multi: false,
    includeAll: false,
    hide: 0,
  };
}

/** Places rows top to bottom, panels left to right; a row is as tall as its tallest panel. */
export function place(rows: PanelDraft[][]): Panel[] {
  const panels: Panel[] = [];
  let y = 0;
  for (const row of rows) {
    let x = 0;
    let height = 0;
    for (const { size, ...rest } of row) {
      if (x + size.w > GRID_COLUMNS) {
        throw new Error(`panel "${rest.title}" does not fit: row already ${x} columns wide`);
      }
      panels.push({ id: panels.length + 1, gridPos: { x, y, w: size.w, h: size.h }, ...rest });
      x += size.w;
      height = Math.max(height, size.h);
    }
    y += height;
  }
  return panels;
}

export interface DashboardSpec {
  /** The French dashboard's uid; the others add `-ar` / `-en` (French URLs stay as they were). */
  uid: string;
  lang: Lang;
  title: string;
  description: string;
  time: { from: string; to: string };
  /** Auto-refresh interval ("" for none). */
  refresh: string;
  variables: Variable[];
  rows: PanelDraft[][];
}

/** The tag of one language's dashboards: the links menu lists those only. */
export const langTag = (lang: Lang) => `${JISR_TAG}-${lang}`;

export function dashboard(spec: DashboardSpec): Dashboard {
  const t = translator(spec.lang);
  return {
    uid: spec.lang === "fr" ? spec.uid : `${spec.uid}-${spec.lang}`,
    title: spec.title,
    description: spec.description,
    tags: [JISR_TAG, langTag(spec.lang)],
    timezone: TIMEZONE,
    // Provisioned from files (allowUiUpdates: false): changes belong in dashboards/src, not in the UI.
    editable: false,
    graphTooltip: 1,
    time: spec.time,
    timepicker: {},
    refresh: spec.refresh,
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    fiscalYearStartMonth: 0,
    weekStart: "monday",
    links: [
      {
        title: t({ fr: "Tableaux Jisr", ar: "لوحات جسر", en: "Jisr dashboards" }),
        type: "dashboards",
        icon: "external link",
        tooltip: t({
          fr: "Les autres tableaux de bord Jisr, avec la même période et les mêmes établissements",
          ar: "لوحات جسر الأخرى، بنفس الفترة ونفس المؤسسات",
          en: "The other Jisr dashboards, with the same period and institutions",
        }),
        tags: [langTag(spec.lang)],
        asDropdown: true,
        targetBlank: false,
        includeVars: true,
        keepTime: true,
      },
    ],
    templating: { list: spec.variables },
    annotations: { list: [] },
    panels: place(spec.rows),
  };
}

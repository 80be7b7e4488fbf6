/**
 * Semantic checks a JSON schema cannot express, run on every dashboard by structure.test.ts. Each check
 * returns its problems as sentences naming the panel, so one run lists everything that is wrong.
 */
import { allLevels, groupByTags, selectLevels } from "./influxql-levels.js";
import { GRID_COLUMNS } from "./layout.js";
import { type Dashboard, INSTITUTION_FILTER, type Panel, TAG_KEYS } from "./model.js";

/** Variables Grafana defines itself (global variables and the InfluxDB macros). */
const BUILT_IN = new Set([
  "timeFilter",
  "__timeFilter",
  "__interval",
  "__interval_ms",
  "interval",
  "__from",
  "__to",
  "__range",
  "__range_s",
  "__range_ms",
  "__dashboard",
  "__org",
  "__user",
]);

/** Series-name placeholders of the InfluxDB datasource's alias (besides `$tag_<key>`). */
const ALIAS_PLACEHOLDERS = new Set(["col", "m", "measurement"]);

const VARIABLE_REF = /\$(\w+)|\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]/g;

function where(panel: Panel): string {
  return `panel ${panel.id} "${panel.title}"`;
}

export function variableRefs(text: string): string[] {
  return [...text.matchAll(VARIABLE_REF)].map((m) => (m[1] ?? m[2] ?? m[3]) as string);
}

export function checkPanelIds(d: Dashboard): string[] {
  const seen = new Map<number, string>();
  const problems: string[] = [];
  for (const p of d.panels) {
    if (!Number.isInteger(p.id)) problems.push(`${where(p)}: id is not an integer`);
    const other = seen.get(p.id);
    if (other !== undefined) problems.push(`${where(p)}: id ${p.id} already used by "${other}"`);
    seen.set(p.id, p.title);
    const refIds = p.targets.map((t) => t.refId);
    if (new Set(refIds).size !== refIds.length) problems.push(`${where(p)}: duplicate refId in ${refIds}`);
  }
  return problems;
}

/** Every `datasource` anywhere in the dashboard refers by uid to a provisioned datasource. */
export function checkDatasources(d: Dashboard, provisionedUids: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      for (const [i, n] of node.entries()) visit(n, `${path}[${i}]`);
      return;
    }
    if (node === null || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "datasource") {
        const uid = (value as { uid?: unknown } | null)?.uid;
        if (typeof uid !== "string") problems.push(`${path}.datasource: not a { uid } reference`);
        else if (!provisionedUids.has(uid))
          problems.push(`${path}.datasource: uid "${uid}" is not provisioned`);
      } else visit(value, `${path}.${key}`);
    }
  };
  visit(d, "dashboard");
  return problems;
}

/** Every `$variable` in a query (panels and variables) is defined by the dashboard or by Grafana. */
export function checkVariables(d: Dashboard): string[] {
  const defined = new Set(d.templating.list.map((v) => v.name));
  const problems: string[] = [];
  const check = (text: string, owner: string) => {
    for (const name of variableRefs(text)) {
      if (!defined.has(name) && !BUILT_IN.has(name)) problems.push(`${owner}: unknown variable $${name}`);
    }
  };
  for (const v of d.templating.list) check(v.query, `variable ${v.name}`);
  for (const p of d.panels) for (const t of p.targets) check(t.query, `${where(p)} query ${t.refId}`);
  return problems;
}

/** `"institution"` or `"device"` not followed by `::tag`: read as a field whenever one of that name exists. */
const BARE_TAG = new RegExp(`"(${TAG_KEYS.join("|")})"(?!::tag)`, "g");

/** GROUP BY items other than time(...) that are not `"key"::tag` (or `*`). */
function untypedGroupBy(levelText: string): string[] {
  const clause = /\bGROUP BY\s+(.*?)(?:\bfill\(|\bORDER BY\b|\bLIMIT\b|$)/i.exec(levelText)?.[1] ?? "";
  return clause
    .replace(/\btime\([^)]*\)/gi, "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item && item !== "*" && !/^"[^"]+"::tag$/.test(item));
}

/**
 * Every SELECT level that reads a measurement filters on the institution and on `$timeFilter`; a level
 * that groups by time over a subquery has its own `$timeFilter` (without it InfluxDB fills buckets from
 * the subquery's first point up to now). Tags are named as tags everywhere (`"institution"::tag`, in WHERE
 * and GROUP BY): a bare key means the field of that name when one exists, so one stray field written into
 * InfluxDB would blank or mix up the panel (issue 9).
 */
export function checkQueries(d: Dashboard): string[] {
  const problems: string[] = [];
  for (const p of d.panels) {
    for (const t of p.targets) {
      const owner = `${where(p)} query ${t.refId}`;
      if (t.rawQuery !== true) problems.push(`${owner}: not a raw InfluxQL query`);
      for (const level of allLevels(selectLevels(t.query))) {
        const hasTime = level.text.includes("$timeFilter");
        for (const m of level.text.matchAll(BARE_TAG))
          problems.push(`${owner}: tag ${m[0]} compared or grouped without ::tag in ${level.text}`);
        for (const item of untypedGroupBy(level.text))
          problems.push(`${owner}: GROUP BY ${item} is not a "key"::tag in ${level.text}`);
        if (!level.readsSubquery) {
          if (!level.text.includes(INSTITUTION_FILTER))
            problems.push(`${owner}: no institution filter in ${level.text}`);
          if (!hasTime) problems.push(`${owner}: no $timeFilter in ${level.text}`);
        } else if (/\bGROUP BY\s+time\(/i.test(level.text) && !hasTime) {
          problems.push(`${owner}: groups a subquery by time without $timeFilter`);
        }
      }
    }
  }
  return problems;
}

/** The analytics results (docs/analytics-results.md): one point per institution and day or month. */
export const RESULT_MEASUREMENTS = [
  "energy_daily",
  "energy_monthly",
  "savings_daily",
  "savings_monthly",
  "hot_water_daily",
  "hot_water_monthly",
];

const DAY_MS = 86_400_000;

/** How long a Grafana range is at most: `now-7d` 7 days, `now/M` 31 days, `now/d` and `24h` a day. */
export function spanMs(from: string): number {
  if (from === "now/d") return DAY_MS;
  if (from === "now/M") return 31 * DAY_MS;
  const m = /^(?:now-)?(\d+)([mhdwMy])$/.exec(from);
  if (!m) throw new Error(`unknown range start "${from}"`);
  const unit = { m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS, M: 31 * DAY_MS, y: 366 * DAY_MS };
  return Number(m[1]) * unit[m[2] as keyof typeof unit];
}

/**
 * A panel whose range spans more than a day (its own `timeFrom`, else the dashboard's default) reads the
 * analytics results or the hourly rollups (`"rp_1h"."…"`), never raw one-minute series (issue 12: a month
 * of raw minutes for 40 institutions is seconds per panel).
 */
export function checkRawSpans(d: Dashboard): string[] {
  const problems: string[] = [];
  const dashboardSpan = spanMs(d.time.from);
  for (const p of d.panels) {
    const span = p.timeFrom ? spanMs(p.timeFrom) : dashboardSpan;
    if (span <= DAY_MS) continue;
    for (const t of p.targets) {
      for (const m of t.query.matchAll(/\bFROM\s+((?:"[^"]+"\.)?"[^"]+")/gi)) {
        const from = m[1] as string;
        const rollup = /^"[^"]+"\./.test(from);
        const measurement = from.replace(/^"[^"]+"\./, "").replaceAll('"', "");
        if (!rollup && !RESULT_MEASUREMENTS.includes(measurement))
          problems.push(`${where(p)} query ${t.refId}: spans more than a day but reads raw "${measurement}"`);
      }
    }
  }
  return problems;
}

/** `$tag_<key>` in an alias names a tag the query's outer level groups by. */
export function checkAliases(d: Dashboard): string[] {
  const problems: string[] = [];
  for (const p of d.panels) {
    for (const t of p.targets) {
      if (!t.alias) continue;
      const tags = groupByTags(selectLevels(t.query));
      for (const m of t.alias.matchAll(/\$(\w+)/g)) {
        const name = m[1] as string;
        if (name.startsWith("tag_")) {
          if (!tags.includes(name.slice(4)))
            problems.push(`${where(p)}: alias uses ${m[0]}, not a GROUP BY tag`);
        } else if (!ALIAS_PLACEHOLDERS.has(name)) problems.push(`${where(p)}: alias uses unknown $${name}`);
      }
    }
  }
  return problems;
}

/** Panels sit inside the 24 columns and never overlap. */
export function checkGrid(d: Dashboard): string[] {
  const problems: string[] = [];
  d.panels.forEach((a, i) => {
    const g = a.gridPos;
    if (g.x < 0 || g.y < 0 || g.w < 1 || g.h < 1 || g.x + g.w > GRID_COLUMNS) {
      problems.push(`${where(a)}: gridPos ${JSON.stringify(g)} outside the ${GRID_COLUMNS}-column grid`);
    }
    for (const b of d.panels.slice(i + 1)) {
      const h = b.gridPos;
      const apart = g.x + g.w <= h.x || h.x + h.w <= g.x || g.y + g.h <= h.y || h.y + h.h <= g.y;
      if (!apart) problems.push(`${where(a)} overlaps ${where(b)}`);
    }
  });
  return problems;
}

/** Titles, descriptions and units are set (the managers read the descriptions as the panel's help). */
export function checkTexts(d: Dashboard): string[] {
  const problems: string[] = [];
  if (!d.title || !d.description) problems.push(`dashboard ${d.uid}: title and description are required`);
  for (const p of d.panels) {
    if (!p.title.trim()) problems.push(`${where(p)}: no title`);
    if (!p.description.trim()) problems.push(`${where(p)}: no description`);
    if (!p.fieldConfig.defaults.unit) problems.push(`${where(p)}: no unit`);
    if (p.targets.length === 0) problems.push(`${where(p)}: no query`);
  }
  return problems;
}

export function checkDashboard(d: Dashboard, provisionedUids: ReadonlySet<string>): string[] {
  return [
    ...checkPanelIds(d),
    ...checkDatasources(d, provisionedUids),
    ...checkVariables(d),
    ...checkQueries(d),
    ...checkRawSpans(d),
    ...checkAliases(d),
    ...checkGrid(d),
    ...checkTexts(d),
  ];
}

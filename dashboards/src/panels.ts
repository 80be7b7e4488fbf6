/**
 * Small builders for the panel kinds Jisr uses. A builder takes what differs between panels (title,
 * description, unit, queries, size) and fills in the options Grafana 11 expects, so the dashboards read as
 * a list of decisions rather than a wall of JSON.
 */
import {
  DATASOURCE,
  type FieldDefaults,
  type InfluxTarget,
  type Panel,
  type ThresholdStep,
  type Transformation,
  type ValueMap,
} from "./model.js";

export interface Query {
  query: string;
  /** Series name; `$tag_<key>` names a GROUP BY tag. */
  alias?: string;
}

export interface PanelSpec {
  title: string;
  description: string;
  /** A Grafana unit id (`watt`, `kwatth`, `percent`, `celsius`, `suffix: MAD`, ...). */
  unit: string;
  queries: Query[];
  w: number;
  h: number;
  decimals?: number;
  min?: number;
  max?: number;
  thresholds?: ThresholdStep[];
  mappings?: ValueMap[];
  /** `now/d`: today so far; `now/M`: this month so far; `1h`: the last hour. */
  timeFrom?: string;
  /** Grafana's min interval: `1h` on the hourly rollups, whose buckets are no finer. */
  interval?: string;
  transformations?: Transformation[];
}

/** A panel before layout: the dashboard assigns its id and grid position. */
export type PanelDraft = Omit<Panel, "id" | "gridPos"> & { size: { w: number; h: number } };

const NEUTRAL: ThresholdStep[] = [{ value: null, color: "green" }];

const LEGEND = { displayMode: "list", placement: "bottom", showLegend: true, calcs: [] };
const TOOLTIP = { mode: "multi", sort: "none" };

function targets(queries: Query[], resultFormat: InfluxTarget["resultFormat"]): InfluxTarget[] {
  return queries.map((q, i) => ({
    refId: String.fromCharCode(65 + i),
    datasource: { ...DATASOURCE },
    query: q.query,
    rawQuery: true,
    resultFormat,
    ...(q.alias ? { alias: q.alias } : {}),
  }));
}

/** Stats and gauges colour by thresholds; charts give each series its own colour (thresholds draw lines). */
type ColorMode = FieldDefaults["color"]["mode"];

function defaults(spec: PanelSpec, color: ColorMode, custom?: Record<string, unknown>): FieldDefaults {
  return {
    unit: spec.unit,
    ...(spec.decimals !== undefined ? { decimals: spec.decimals } : {}),
    ...(spec.min !== undefined ? { min: spec.min } : {}),
    ...(spec.max !== undefined ? { max: spec.max } : {}),
    noValue: "—",
    color: { mode: color },
    thresholds: { mode: "absolute", steps: spec.thresholds ?? NEUTRAL },
    mappings: spec.mappings ?? [],
    ...(custom ? { custom } : {}),
  };
}

function draft(
  type: Panel["type"],
  spec: PanelSpec,
  options: Record<string, unknown>,
  resultFormat: InfluxTarget["resultFormat"],
  custom?: Record<string, unknown>,
  color: ColorMode = "thresholds",
): PanelDraft {
  return {
    type,
    title: spec.title,
    description: spec.description,
    datasource: { ...DATASOURCE },
    size: { w: spec.w, h: spec.h },
    targets: targets(spec.queries, resultFormat),
    fieldConfig: { defaults: defaults(spec, color, custom), overrides: [] },
    options,
    ...(spec.timeFrom ? { timeFrom: spec.timeFrom } : {}),
    ...(spec.interval ? { interval: spec.interval } : {}),
    ...(spec.transformations ? { transformations: spec.transformations } : {}),
  };
}

const REDUCE_LAST = { values: false, calcs: ["lastNotNull"], fields: "" };

/** One big number per series (the queries aggregate, so a series holds one row). */
export function stat(spec: PanelSpec): PanelDraft {
  const named = spec.queries.length > 1 || spec.queries.some((q) => q.alias?.includes("$tag_"));
  return draft(
    "stat",
    spec,
    {
      reduceOptions: REDUCE_LAST,
      orientation: "auto",
      textMode: named ? "value_and_name" : "value",
      colorMode: "value",
      graphMode: "none",
      justifyMode: "auto",
      wideLayout: true,
      showPercentChange: false,
    },
    "time_series",
  );
}

export function gauge(spec: PanelSpec): PanelDraft {
  return draft(
    "gauge",
    spec,
    { reduceOptions: REDUCE_LAST, showThresholdLabels: false, showThresholdMarkers: true, sizing: "auto" },
    "time_series",
  );
}

export interface TimeseriesStyle {
  /** Daily results are drawn as bars at their local-midnight timestamps. */
  bars?: boolean;
  stacked?: boolean;
  /** Draws the thresholds (e.g. the 45 °C service temperature) as a line with the area below it. */
  thresholdLine?: boolean;
}

export function timeseries(spec: PanelSpec, style: TimeseriesStyle = {}): PanelDraft {
  const custom = {
    drawStyle: style.bars ? "bars" : "line",
    lineWidth: 1,
    fillOpacity: style.bars ? 80 : 10,
    showPoints: "never",
    spanNulls: false,
    stacking: { mode: style.stacked ? "normal" : "none", group: "A" },
    thresholdsStyle: { mode: style.thresholdLine ? "line+area" : "off" },
  };
  const options = { legend: LEGEND, tooltip: TOOLTIP };
  return draft("timeseries", spec, options, "time_series", custom, "palette-classic");
}

/** Tables get their column names (with units) from the queries' aliases and an `organize` step. */
export function table(spec: PanelSpec): PanelDraft {
  const options = {
    showHeader: true,
    cellHeight: "sm",
    footer: { show: false, reducer: ["sum"], fields: "", countRows: false },
  };
  return draft("table", spec, options, "table", { align: "auto", cellOptions: { type: "auto" } });
}

/** Bars per category (one per institution), from table-format queries grouped by that tag. */
export function barchart(spec: PanelSpec, xField: string): PanelDraft {
  const options = {
    xField,
    orientation: "auto",
    showValue: "auto",
    stacking: "none",
    groupWidth: 0.7,
    barWidth: 0.9,
    legend: LEGEND,
    tooltip: TOOLTIP,
  };
  return draft("barchart", spec, options, "table", { fillOpacity: 80, lineWidth: 1 }, "palette-classic");
}

export function stateTimeline(spec: PanelSpec): PanelDraft {
  const options = {
    mergeValues: true,
    showValue: "auto",
    alignValue: "left",
    rowHeight: 0.9,
    legend: LEGEND,
    tooltip: TOOLTIP,
  };
  return draft("state-timeline", spec, options, "time_series", { fillOpacity: 70, lineWidth: 0 });
}

/** Merges the tables of several queries on their shared columns, then hides and renames columns. */
export function mergeAndName(rename: Record<string, string>, hide: string[] = ["Time"]): Transformation[] {
  return [
    { id: "merge", options: {} },
    {
      id: "organize",
      options: {
        excludeByName: Object.fromEntries(hide.map((c) => [c, true])),
        renameByName: rename,
        indexByName: {},
      },
    },
  ];
}

/**
 * The subset of Grafana's classic dashboard JSON model (schemaVersion 41, Grafana 11.6) that Jisr emits.
 * Kept narrow on purpose: every key written here is one the strict schema in
 * vendor/grafana-schema/dashboard.jsonschema.json accepts (Grafana's own, vendored with its licence).
 */

/** The provisioned InfluxDB datasource (provisioning/datasources/influxdb.yaml): referred to by uid only. */
export const DATASOURCE = { type: "influxdb", uid: "jisr-influxdb" } as const;

/** Grafana 11.6 saves dashboards at this schema version; older versions migrate up, never down. */
export const SCHEMA_VERSION = 41;

/** Days, months and "today" are those of the institutions (UTC+1, UTC+0 during Ramadan). */
export const TIMEZONE = "Africa/Casablanca";

/**
 * The filter every query carries, so the `institution` variable narrows every panel. `::tag` because a bare
 * `"institution"` means the FIELD of that name once anyone writes one into the measurement, and the panel
 * would go blank (issue 9).
 */
export const INSTITUTION_FILTER = '"institution"::tag =~ /^$institution$/';

/** The tag keys of every Jisr series: a query names them only as `"key"::tag` (see checkQueries). */
export const TAG_KEYS = ["institution", "device"] as const;

export interface DataSourceRef {
  type: string;
  uid: string;
}

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** An InfluxQL raw query, as the InfluxDB datasource stores it. */
export interface InfluxTarget {
  refId: string;
  datasource: DataSourceRef;
  query: string;
  rawQuery: true;
  resultFormat: "time_series" | "table";
  /** Series name; `$tag_<key>` is replaced by the GROUP BY tag's value. */
  alias?: string;
}

export interface ThresholdStep {
  /** null is "from minus infinity" (the base step). */
  value: number | null;
  color: string;
}

export interface ValueMap {
  type: "value";
  options: Record<string, { text?: string; color?: string; index?: number }>;
}

export interface FieldDefaults {
  unit: string;
  decimals?: number;
  min?: number;
  max?: number;
  noValue?: string;
  color: { mode: "thresholds" | "palette-classic" | "fixed"; fixedColor?: string };
  thresholds: { mode: "absolute"; steps: ThresholdStep[] };
  mappings: ValueMap[];
  custom?: Record<string, unknown>;
}

export interface Transformation {
  id: string;
  options: Record<string, unknown>;
}

export interface Panel {
  id: number;
  type: "stat" | "gauge" | "timeseries" | "table" | "barchart" | "state-timeline";
  title: string;
  description: string;
  datasource: DataSourceRef;
  gridPos: GridPos;
  targets: InfluxTarget[];
  fieldConfig: { defaults: FieldDefaults; overrides: never[] };
  options: Record<string, unknown>;
  /** Relative range overriding the dashboard's, e.g. `now/d` (today so far), `now/M` (this month so far). */
  timeFrom?: string;
  /** Lower limit of `$__interval` (Grafana's "min interval"), e.g. `1h` for panels on hourly rollups. */
  interval?: string;
  transformations?: Transformation[];
}

export interface VariableOption {
  text: string | string[];
  value: string | string[];
  selected?: boolean;
}

export interface Variable {
  type: "query" | "custom";
  name: string;
  label: string;
  description: string;
  query: string;
  definition?: string;
  datasource?: DataSourceRef;
  current: VariableOption;
  options: VariableOption[];
  multi: boolean;
  includeAll: boolean;
  refresh?: 0 | 1 | 2;
  sort?: 1;
  hide: 0;
}

export interface DashboardLink {
  title: string;
  type: "dashboards";
  icon: string;
  tooltip: string;
  tags: string[];
  asDropdown: boolean;
  targetBlank: boolean;
  includeVars: boolean;
  keepTime: boolean;
}

export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  timezone: string;
  editable: boolean;
  graphTooltip: 0 | 1 | 2;
  time: { from: string; to: string };
  timepicker: Record<string, never>;
  refresh: string;
  schemaVersion: number;
  version: number;
  fiscalYearStartMonth: 0;
  weekStart: string;
  links: DashboardLink[];
  templating: { list: Variable[] };
  annotations: { list: never[] };
  panels: Panel[];
}

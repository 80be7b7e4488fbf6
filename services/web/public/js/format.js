/**
 * Figures in the page's language, through the one formatter (numbers.js, the reports' rules): power and
 * energy scaled to W/kW/MW and Wh/kWh/MWh with fixed decimals per unit, and in Arabic each figure with its
 * unit wrapped in a left-to-right isolate, so "53,7 °C" never reads "C° 53,7". Times of day come from the
 * server already in local time: a browser's time-zone data may not know Morocco's latest changes.
 */
import { language, locale, t } from "./i18n.js";
import { formatColumn, formatFixed, formatQuantity, scaleFor } from "./numbers.js";

const isolate = () => language() === "ar";
const noData = () => t("kpi.noData");
const q = (value, quantity) => formatQuantity(value, quantity, locale(), { isolate: isolate() }, noData());

/** Watts: "640 W", "5,6 kW". */
export const power = (w) => q(w, "W");
/** The API gives kWh: "45,6 kWh", "1,23 MWh". */
export const kwh = (value) => q(value === null || value === undefined ? value : value * 1000, "Wh");
export const mad = (value) => q(value, "MAD");
export const pct = (value) => q(value, "pct");
export const celsius = (value) => q(value, "C");
export const count = (value) => q(value, "count");

/**
 * A column of figures with its total, formatted together so that the displayed rows add up to the
 * displayed total. `quantity`: "W", "Wh", "MAD", "pct", "count"; kWh values are given as `kwh: true`.
 */
export function column(values, quantity, o = {}) {
  const scale = (v) => (o.kwh && v !== null && v !== undefined ? v * 1000 : v);
  return formatColumn(values.map(scale), quantity, locale(), {
    ...(o.total === undefined ? {} : { total: scale(o.total) }),
    isolate: isolate(),
    empty: o.empty ?? noData(),
  });
}

/**
 * A chart axis's labels: one scale for the axis (its largest tick's, as the cards'), and only the
 * decimals its round ticks need ("2,5 kW", "20 MAD"), so the labels stay short. Drawn inside the chart,
 * which is left-to-right in every language, so no isolate.
 */
export function axis(ticks, quantity) {
  const scale = scaleFor(quantity, Math.max(0, ...ticks.map(Math.abs)));
  const scaled = ticks.map((v) => v / scale.divisor);
  const decimals =
    [0, 1, 2].find((d) => scaled.every((v) => Math.abs(v * 10 ** d - Math.round(v * 10 ** d)) < 1e-6)) ?? 2;
  const unit =
    quantity === "C" ? "°" : scale.symbol === "%" ? "%" : scale.symbol ? `\u00a0${scale.symbol}` : "";
  return scaled.map((v) => `${formatFixed(v, decimals, locale())}${unit}`);
}

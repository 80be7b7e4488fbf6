/**
 * Numbers and money in the page's language (Intl, Moroccan locales). Times of day come from the server
 * already in local time: a browser's time-zone data may not know Morocco's latest changes.
 */
import { locale, t } from "./i18n.js";

const number = (value, digits) =>
  new Intl.NumberFormat(locale(), { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(value);

/** "6 500 W" or "12,3 kW": kW from 10 kW up. */
export function power(w) {
  if (w === null || w === undefined) return t("kpi.noData");
  return Math.abs(w) >= 10_000 ? `${number(w / 1000, 1)} kW` : `${number(w, 0)} W`;
}

export function kwh(value) {
  if (value === null || value === undefined) return t("kpi.noData");
  return `${number(value, value >= 100 ? 0 : 1)} kWh`;
}

export function mad(value, digits = 2) {
  if (value === null || value === undefined) return t("kpi.noData");
  return new Intl.NumberFormat(locale(), {
    style: "currency",
    currency: "MAD",
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(value);
}

export function pct(value, digits = 1) {
  if (value === null || value === undefined) return t("kpi.noData");
  return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: digits }).format(
    value / 100,
  );
}

export function celsius(value) {
  if (value === null || value === undefined) return t("kpi.noData");
  return `${number(value, 1)} °C`;
}

export function plain(value, digits = 0) {
  return number(value, digits);
}

/** Power on an axis: "6 kW" from 1 kW up, so the labels stay short. */
export function powerAxis(w) {
  return Math.abs(w) >= 1000 ? `${number(w / 1000, 1)} kW` : `${number(w, 0)} W`;
}

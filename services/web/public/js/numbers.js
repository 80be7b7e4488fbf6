/**
 * MIRROR of services/reports/src/i18n/numbers.ts, as plain browser JavaScript (the page has no build
 * step). src/data/numbers.test.ts checks that both agree on a table of cases; change both together.
 *
 * The one number formatter of the reports and the web page: Intl.NumberFormat in the reader's locale,
 * power and energy scaled to W/kW/MW and Wh/kWh/MWh, and a fixed number of decimals per unit, so that
 * "1,0 kWh" never stands beside "2,6 kWh". The web page runs the same rules as plain browser JavaScript
 * (services/web/public/js/numbers.js, no build step there); a web test checks that both agree on a table
 * of cases.
 *
 * A column and its total are formatted together (`formatColumn`): one scale for all, and as many
 * decimals as it takes for the displayed rows to add up to the displayed total, so a reader checking the
 * sum with a pencil finds it.
 */

/** The quantities we show. Energy and power are given in their base unit (W, Wh). */
/** @typedef {"W" | "Wh" | "MAD" | "C" | "pct" | "count"} Quantity */

/** @typedef {{ symbol: string, divisor: number, decimals: number }} Scale */

/** Steps of each unit, smallest first: a value uses the largest step it reaches. */
export const SCALES = {
  W: [
    { symbol: "W", divisor: 1, decimals: 0 },
    { symbol: "kW", divisor: 1e3, decimals: 1 },
    { symbol: "MW", divisor: 1e6, decimals: 2 },
  ],
  Wh: [
    { symbol: "Wh", divisor: 1, decimals: 0 },
    { symbol: "kWh", divisor: 1e3, decimals: 1 },
    { symbol: "MWh", divisor: 1e6, decimals: 2 },
  ],
  MAD: [{ symbol: "MAD", divisor: 1, decimals: 2 }],
  C: [{ symbol: "°C", divisor: 1, decimals: 1 }],
  pct: [{ symbol: "%", divisor: 1, decimals: 1 }],
  count: [{ symbol: "", divisor: 1, decimals: 0 }],
};

/** Quantities whose rows add up to a total (a mean of percentages or temperatures does not). */
const ADDITIVE = new Set(["W", "Wh", "MAD", "count"]);

/** At most this many decimals beyond the unit's own are added to make a column add up. */
const EXTRA_DECIMALS = 3;

/** Left-to-right isolate: a number with its unit keeps its order inside Arabic text. */
export const LRI = "\u2066";
export const PDI = "\u2069";

const formats = new Map();

/** Grouped, with exactly `decimals` decimals: "5.647,3" (fr-MA), "5,647.3" (en-GB). */
export function formatFixed(value, decimals, locale) {
  const key = `${locale}/${decimals}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    formats.set(key, f);
  }
  // A value that rounds to zero would print "-0,0".
  return f.format(Math.abs(value) < 0.5 * 10 ** -decimals ? 0 : value);
}

/** The scale a magnitude calls for: 999 W stays in W, 1000 W is 1,0 kW. */
export function scaleFor(quantity, magnitude) {
  const steps = SCALES[quantity];
  let chosen = steps[0];
  for (const s of steps) if (Math.abs(magnitude) >= s.divisor) chosen = s;
  return chosen;
}

/** The number and its unit; a percentage follows the locale ("87,5 %" in French, "87.5%" in English). */
function withUnit(number, scale, locale) {
  if (scale.symbol === "") return number;
  if (scale.symbol === "%") return locale.startsWith("fr") ? `${number}\u202f%` : `${number}%`;
  return `${number}\u00a0${scale.symbol}`;
}

/** "5,6 kW", "45,6 kWh", "489,25 MAD", "52,3 °C", "92,5 %"; null is `empty`. */
export function formatQuantity(value, quantity, locale, o = {}, empty = "—") {
  if (value === null || value === undefined || !Number.isFinite(value)) return empty;
  const scale = o.scale ?? scaleFor(quantity, value);
  const text = withUnit(
    formatFixed(value / scale.divisor, o.decimals ?? scale.decimals, locale),
    scale,
    locale,
  );
  return o.isolate ? `${LRI}${text}${PDI}` : text;
}

/** Rounded as Intl rounds for display (half away from zero on the shortest decimal), not as Math.round. */
function roundTo(x, decimals) {
  return Number(formatFixed(x, decimals, "en-US").replaceAll(",", ""));
}

/**
 * The decimals at which the rows, rounded, add up to the total, rounded (from the unit's own, up to three
 * more). Values are in the scale's unit. Beyond that, the unit's own: the figures are then too fine for any
 * displayed precision to add up, which only happens with more than three extra decimals of noise.
 */
export function decimalsThatAddUp(rows, total, base) {
  for (let d = base; d <= base + EXTRA_DECIMALS; d++) {
    const sum = rows.reduce((a, r) => a + roundTo(r, d), 0);
    if (Math.abs(roundTo(sum, d) - roundTo(total, d)) < 0.5 * 10 ** -(d + 2)) return d;
  }
  return base;
}

/**
 * A column of figures and its total, formatted together: one scale (the largest value's), and for an
 * additive quantity the decimals that make the displayed rows add up to the displayed total. The total
 * defaults to the sum of the known rows; null rows show `empty` and add nothing.
 */
export function formatColumn(values, quantity, locale, o = {}) {
  const known = values.filter((v) => v !== null && v !== undefined && Number.isFinite(v));
  const total = o.total === undefined ? (known.length ? known.reduce((a, b) => a + b, 0) : null) : o.total;
  const magnitude = Math.max(0, ...known.map(Math.abs), Math.abs(total ?? 0));
  const scale = scaleFor(quantity, magnitude);
  const decimals =
    ADDITIVE.has(quantity) && total !== null
      ? decimalsThatAddUp(
          known.map((v) => v / scale.divisor),
          total / scale.divisor,
          scale.decimals,
        )
      : scale.decimals;
  const f = (v) =>
    formatQuantity(v, quantity, locale, { scale, decimals, isolate: o.isolate ?? false }, o.empty);
  return { rows: values.map(f), total: f(total), scale, decimals };
}

/**
 * Small hand-written SVG charts (no library, no bundler): a line chart over one day, and stacked bars
 * over the days of a month. Drawn at the width of their box, and drawn again when the window resizes.
 * Time runs left to right in every language (as on the dashboards); the labels around the chart follow
 * the page's direction.
 */
import { h, s } from "./dom.js";
import { t } from "./i18n.js";

const HEIGHT = 200;
const M = { top: 14, right: 18, bottom: 26, left: 62 };

/** Round numbers for an axis from 0 (or below) to at least `max`. */
export function niceTicks(min, max, count = 4) {
  const span = max - min || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw) ?? 10 * mag;
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks = [];
  for (let v = lo; v <= hi + step / 2; v += step) ticks.push(Number(v.toFixed(10)));
  return ticks;
}

function frame(width, label) {
  return s("svg", {
    viewBox: `0 0 ${width} ${HEIGHT}`,
    width,
    height: HEIGHT,
    role: "img",
    "aria-label": label,
    class: "chart-svg",
  });
}

/** `labels(ticks)` gives every tick's label at once, so they share one scale (format.js, axis). */
function yAxis(svg, ticks, y, width, labels) {
  const texts = labels(ticks);
  for (const [i, v] of ticks.entries()) {
    svg.append(
      s("line", { x1: M.left, x2: width - M.right, y1: y(v), y2: y(v), class: "grid" }),
      s("text", { x: M.left - 6, y: y(v) + 4, class: "tick", "text-anchor": "end" }, texts[i]),
    );
  }
}

function legend(items) {
  return h(
    "ul",
    { class: "legend" },
    items.map((i) => h("li", {}, h("span", { class: `key ${i.className}`, "aria-hidden": "true" }), i.label)),
  );
}

/**
 * Lines over [from, to] (epoch ms): series = [{ label, className, points: [{ t, y }] }], an optional
 * threshold { value, label }, x ticks = [{ t, label }], y labels through `yLabels(ticks)`. A lone reading shows
 * as a dot.
 */
export function lineChart(box, o) {
  const width = Math.max(280, Math.floor(box.clientWidth || 600));
  const values = o.series.flatMap((x) => x.points.map((p) => p.y));
  if (values.length === 0)
    return h("p", { class: "empty", "data-testid": "chart-empty" }, o.empty ?? t("chart.empty"));
  const extra = o.threshold ? [o.threshold.value] : [];
  const ticks = niceTicks(Math.min(o.yMin ?? 0, ...values, ...extra), Math.max(...values, ...extra));
  const [lo, hi] = [ticks[0], ticks.at(-1)];
  const x = (ms) => M.left + ((ms - o.from) / (o.to - o.from)) * (width - M.left - M.right);
  const y = (v) => HEIGHT - M.bottom - ((v - lo) / (hi - lo || 1)) * (HEIGHT - M.top - M.bottom);
  const svg = frame(width, o.label);
  yAxis(svg, ticks, y, width, o.yLabels);
  // On a narrow screen, every other tick, so that labels never overlap (about 44 px each).
  const room = (width - M.left - M.right) / Math.max(1, o.xTicks.length - 1);
  const every = Math.ceil(44 / room);
  for (const [i, tick] of o.xTicks.entries()) {
    if (i % every !== 0) continue;
    const anchor = i === 0 ? "start" : i === o.xTicks.length - 1 ? "end" : "middle";
    svg.append(s("text", { x: x(tick.t), y: HEIGHT - 8, class: "tick", "text-anchor": anchor }, tick.label));
  }
  for (const series of o.series) {
    const d = series.points.map((p, i) => `${i === 0 ? "M" : "L"}${x(p.t).toFixed(1)},${y(p.y).toFixed(1)}`);
    if (o.area && series.points.length > 1) {
      const first = series.points[0];
      const last = series.points.at(-1);
      const base = y(Math.max(lo, 0)).toFixed(1);
      svg.append(
        s("path", {
          d: `${d.join("")}L${x(last.t).toFixed(1)},${base}L${x(first.t).toFixed(1)},${base}Z`,
          class: `area ${series.className}`,
        }),
      );
    }
    svg.append(s("path", { d: d.join(""), class: `line ${series.className}` }));
    if (series.points.length === 1) {
      const [p] = series.points;
      svg.append(s("circle", { cx: x(p.t), cy: y(p.y), r: 3.5, class: `dot ${series.className}` }));
    }
  }
  if (o.threshold) {
    const ty = y(o.threshold.value);
    svg.append(s("line", { x1: M.left, x2: width - M.right, y1: ty, y2: ty, class: "threshold" }));
  }
  const items = o.series.map((x) => ({ label: x.label, className: x.className }));
  if (o.threshold) items.push({ label: o.threshold.label, className: "threshold-key" });
  return h("div", {}, svg, legend(items));
}

/**
 * Stacked bars, one per day of the month: days = [{ day: 1..31, parts: [v1, v2] }], parts = [{ label,
 * className }]; `count` days on the axis.
 */
export function barChart(box, o) {
  const width = Math.max(280, Math.floor(box.clientWidth || 600));
  if (o.days.length === 0)
    return h("p", { class: "empty", "data-testid": "chart-empty" }, o.empty ?? t("chart.empty"));
  const totals = o.days.map((d) => d.values.reduce((a, b) => a + (b ?? 0), 0));
  const ticks = niceTicks(0, Math.max(...totals));
  const hi = ticks.at(-1);
  const slot = (width - M.left - M.right) / o.count;
  const y = (v) => HEIGHT - M.bottom - (v / (hi || 1)) * (HEIGHT - M.top - M.bottom);
  const svg = frame(width, o.label);
  yAxis(svg, ticks, y, width, o.yLabels);
  for (const d of o.days) {
    let base = 0;
    for (const [i, v] of d.values.entries()) {
      if (!v) continue;
      const top = base + v;
      svg.append(
        s("rect", {
          x: (M.left + (d.day - 1) * slot + slot * 0.15).toFixed(1),
          y: y(top).toFixed(1),
          width: (slot * 0.7).toFixed(1),
          height: (y(base) - y(top)).toFixed(1),
          class: `bar ${o.parts[i].className}`,
        }),
      );
      base = top;
    }
  }
  for (let day = 1; day <= o.count; day++) {
    if (day !== 1 && day % 5 !== 0) continue;
    svg.append(
      s(
        "text",
        { x: M.left + (day - 0.5) * slot, y: HEIGHT - 8, class: "tick", "text-anchor": "middle" },
        String(day),
      ),
    );
  }
  return h("div", {}, svg, legend(o.parts));
}

/**
 * Horizontal bars as HTML (they mirror in right-to-left with the page): rows = [{ label, value, text, href }].
 * The widths are set through the CSSOM, which the page's Content-Security-Policy allows.
 */
export function rankBars(rows) {
  const max = Math.max(0, ...rows.map((r) => r.value ?? 0));
  return h(
    "ol",
    { class: "rank" },
    rows.map((r) => {
      const fill = h("span", { class: "rank-fill" });
      fill.style.inlineSize = `${max > 0 ? Math.max(1, ((r.value ?? 0) / max) * 100) : 0}%`;
      return h(
        "li",
        {},
        h("a", { href: r.href, class: "rank-label" }, r.label),
        h("span", { class: "rank-track" }, fill),
        h("span", { class: "rank-value" }, r.text),
      );
    }),
  );
}

/**
 * One institution: the headline figures a facility manager asks for (power now, energy, savings this
 * month, tanks against the service temperature, hot water), then three charts (power today, savings per
 * day, tank temperature today), and a chooser when the user sees several institutions.
 */
import { api } from "../api.js";
import { barChart, lineChart } from "../charts.js";
import { h, mount } from "../dom.js";
import { emptyText, monthName } from "../empty.js";
import * as fmt from "../format.js";
import { language, t } from "../i18n.js";
import { card, deviceName, nameOf, panel } from "./common.js";
import { energyPanel } from "./energy.js";

function chooser(me, current) {
  if (me.institutions.length < 2) return null;
  const select = h(
    "select",
    { "data-testid": "institution-select", "aria-label": t("institution.choose") },
    me.institutions.map((i) =>
      h("option", { value: i.id, selected: i.id === current }, nameOf(i, language())),
    ),
  );
  select.addEventListener("change", () => {
    location.hash = `#/institution/${encodeURIComponent(select.value)}`;
  });
  return h("label", { class: "chooser" }, h("span", {}, t("institution.choose")), select);
}

function tankCard(s) {
  const inst = s.institution;
  const threshold = s.tank.threshold_c;
  const devices = s.tank.devices;
  const cold = devices.some((d) => d.below_threshold);
  return h(
    "section",
    { class: `card${cold ? " tone-bad" : devices.length ? " tone-good" : ""}`, "data-testid": "tank" },
    h("h3", { class: "card-label" }, t("kpi.tank")),
    devices.length === 0
      ? h("p", { class: "card-value" }, t("kpi.noData"))
      : h(
          "ul",
          { class: "tanks" },
          devices.map((d) =>
            h(
              "li",
              {
                "data-testid": `tank-${d.device}`,
                "data-value": d.temperature_c,
                "data-below": String(d.below_threshold),
              },
              h("span", { class: "tank-name" }, deviceName(inst, d.device)),
              h("span", { class: "tank-temp" }, fmt.celsius(d.temperature_c)),
              h(
                "span",
                { class: `chip ${d.below_threshold ? "bad" : "good"}` },
                t(d.below_threshold ? "kpi.below" : "kpi.ok"),
              ),
            ),
          ),
        ),
    threshold === null
      ? null
      : h("p", { class: "card-note" }, t("kpi.threshold", { t: fmt.celsius(threshold) })),
  );
}

/**
 * Today's availability, or why there is none yet: the analysis counts a day's demand windows once they
 * are over, so in the morning the page says which window comes next rather than "no data".
 */
function todayAvailability(hw) {
  if (hw.availability_today_pct !== null)
    return t("kpi.availabilityTodayValue", { p: fmt.pct(hw.availability_today_pct) });
  const w = hw.next_window;
  if (!w) return t("kpi.availabilityTodayValue", { p: fmt.pct(null) });
  if (w.open) return t("hotWater.windowOpen", { e: w.end });
  return t(w.tomorrow ? "hotWater.nextWindowTomorrow" : "hotWater.nextWindow", { s: w.start });
}

function cards(s) {
  // The two parts and the total are formatted together, so that they add up as displayed.
  const split = fmt.column([s.savings_month_electricity_mad, s.savings_month_hot_water_mad], "MAD", {
    total: s.savings_month_mad,
  });
  const tone = (pct) => (pct === null ? undefined : pct >= 95 ? "good" : pct >= 80 ? "warn" : "bad");
  const hygiene = s.hot_water.hygiene_ok_today;
  return h(
    "div",
    { class: "cards" },
    card({
      id: "power-now",
      label: t("kpi.powerNow"),
      text: fmt.power(s.power_now_w),
      value: s.power_now_w,
      note: s.power_at_local ? t("kpi.at", { t: s.power_at_local }) : undefined,
    }),
    card({
      id: "energy-today",
      label: t("kpi.energyToday"),
      text: fmt.kwh(s.energy_today_kwh),
      value: s.energy_today_kwh,
      note: s.energy_today_source === "counters" ? t("kpi.fromCounters") : undefined,
    }),
    card({
      id: "savings-month",
      label: t("kpi.savingsMonth"),
      text: split.total,
      value: s.savings_month_mad,
      tone: s.savings_month_mad > 0 ? "good" : undefined,
      note: t("kpi.savingsSplit", { e: split.rows[0], h: split.rows[1] }),
    }),
    card({
      id: "energy-month",
      label: t("kpi.energyMonth"),
      text: fmt.kwh(s.energy_month_kwh),
      value: s.energy_month_kwh,
      note:
        s.completeness_month === null
          ? undefined
          : t("kpi.completeness", { p: fmt.pct(s.completeness_month * 100) }),
    }),
    tankCard(s),
    card({
      id: "availability",
      label: t("kpi.availabilityMonth"),
      text: fmt.pct(s.hot_water.availability_month_pct),
      value: s.hot_water.availability_month_pct,
      tone: tone(s.hot_water.availability_month_pct),
      note: [
        todayAvailability(s.hot_water),
        hygiene === null ? "" : ` · ${t(hygiene ? "kpi.hygieneOk" : "kpi.hygieneFail")}`,
      ].join(""),
    }),
    s.open_alerts === null
      ? null
      : h(
          "a",
          { href: "#/alerts", class: "card-link" },
          card({
            id: "open-alerts",
            label: t("kpi.openAlerts"),
            text: fmt.count(s.open_alerts),
            value: s.open_alerts,
            tone: s.open_alerts > 0 ? "bad" : "good",
          }),
        ),
  );
}

function charts(s, boxes) {
  // Why a chart is empty: before the first readings, or none during the period (empty.js).
  // Readings today with no daily result yet still mean data has begun (today at the latest).
  const anyToday = s.power_at !== null || s.series.power_today.length > 0 || s.series.tank_today.length > 0;
  const emptyToday = emptyText(t("empty.today"), s.today, s.first_day ?? (anyToday ? s.today : null));
  const monthEnd = new Date(Date.UTC(...s.month.split("-").map(Number), 0)).toISOString().slice(0, 10);
  const emptyMonth = emptyText(monthName(s.month), monthEnd, s.first_day);
  const from = Date.parse(s.day.from);
  const to = Date.parse(s.day.to);
  const xTicks = s.day.ticks.map((k) => ({ t: Date.parse(k.time), label: k.label }));
  const point = (time, y) => ({ t: Date.parse(time), y });
  mount(
    boxes.power,
    lineChart(boxes.power, {
      label: t("chart.powerToday"),
      empty: emptyToday,
      from,
      to,
      area: true,
      xTicks,
      yLabels: (ticks) => fmt.axis(ticks, "W"),
      series: [
        {
          label: t("kpi.powerNow"),
          className: "s-pv",
          points: s.series.power_today.map((p) => point(p.time, p.w)),
        },
      ],
    }),
  );
  const [year, month] = s.month.split("-").map(Number);
  mount(
    boxes.savings,
    barChart(boxes.savings, {
      label: t("chart.savingsMonth"),
      empty: emptyMonth,
      count: new Date(Date.UTC(year, month, 0)).getUTCDate(),
      yLabels: (ticks) => fmt.axis(ticks, "MAD"),
      parts: [
        { label: t("chart.electricity"), className: "b-elec" },
        { label: t("chart.hotWater"), className: "b-hot" },
      ],
      days: s.series.savings_month.map((d) => ({
        day: Number(d.day.slice(8, 10)),
        values: [d.electricity_mad ?? 0, d.hot_water_mad ?? 0],
      })),
    }),
  );
  mount(
    boxes.tank,
    lineChart(boxes.tank, {
      label: t("chart.tankToday"),
      empty: emptyToday,
      from,
      to,
      yMin: 20,
      xTicks,
      yLabels: (ticks) => fmt.axis(ticks, "C"),
      threshold:
        s.tank.threshold_c === null ? undefined : { value: s.tank.threshold_c, label: t("chart.threshold") },
      series: s.series.tank_today.map((d, i) => ({
        label: deviceName(s.institution, d.device),
        className: `s-tank-${i % 3}`,
        points: d.points.map((p) => point(p.time, p.c)),
      })),
    }),
  );
}

export async function institutionView(main, ctx, id) {
  const s = await api.summary(id);
  if (!ctx.current()) return;
  const lang = language();
  const boxes = {
    power: h("div", { class: "chart", "data-testid": "chart-power" }),
    savings: h("div", { class: "chart", "data-testid": "chart-savings" }),
    tank: h("div", { class: "chart", "data-testid": "chart-tank" }),
  };
  const hasHotWater = s.institution.has_hot_water;
  const energy = s.institution.has_pv ? energyPanel(id, s.today, ctx) : null;
  mount(
    main,
    h(
      "div",
      { class: "page-head" },
      h("h1", { "data-testid": "institution-name" }, nameOf(s.institution, lang)),
      h("p", { class: "muted" }, s.institution.commune),
      chooser(ctx.me, id),
    ),
    cards(s),
    energy?.box ?? null,
    h(
      "div",
      { class: "charts" },
      panel(t("chart.powerToday"), "panel-power", boxes.power),
      panel(t("chart.savingsMonth"), "panel-savings", boxes.savings),
      hasHotWater ? panel(t("chart.tankToday"), "panel-tank", boxes.tank) : null,
    ),
  );
  const draw = () => charts(s, boxes);
  draw();
  ctx.onResize(draw);
  await energy?.ready;
}

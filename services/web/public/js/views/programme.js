/**
 * The ministry's overview: the programme's totals, savings per institution as bars (the ranking people
 * look for first), and a table of every institution that opens its page. On a phone the table turns into
 * one block per institution (style.css).
 */
import { api } from "../api.js";
import { rankBars } from "../charts.js";
import { h, mount } from "../dom.js";
import * as fmt from "../format.js";
import { language, t } from "../i18n.js";
import { card, nameOf, panel } from "./common.js";
import { programmeEnergyPanel } from "./programme-energy.js";

/**
 * Each additive column and its total, formatted together (one scale, the decimals that make the rows
 * add up to the total), so the cards above and the table below show the same figures.
 */
function columns(p) {
  const rows = p.institutions;
  const x = p.totals;
  return {
    power: fmt.column(
      rows.map((r) => r.power_now_w),
      "W",
      { total: x.power_now_w },
    ),
    energyToday: fmt.column(
      rows.map((r) => r.energy_today_kwh),
      "Wh",
      { kwh: true, total: x.energy_today_kwh },
    ),
    energyMonth: fmt.column(
      rows.map((r) => r.energy_month_kwh),
      "Wh",
      { kwh: true, total: x.energy_month_kwh },
    ),
    savings: fmt.column(
      rows.map((r) => r.savings_month_mad),
      "MAD",
      { total: x.savings_month_mad },
    ),
  };
}

function totals(p, c) {
  const x = p.totals;
  return h(
    "div",
    { class: "cards" },
    card({ id: "total-power", label: t("kpi.powerNow"), text: c.power.total, value: x.power_now_w }),
    card({
      id: "total-energy-today",
      label: t("kpi.energyToday"),
      text: c.energyToday.total,
      value: x.energy_today_kwh,
    }),
    card({
      id: "total-energy-month",
      label: t("kpi.energyMonth"),
      text: c.energyMonth.total,
      value: x.energy_month_kwh,
    }),
    card({
      id: "total-savings",
      label: t("kpi.savingsMonth"),
      text: c.savings.total,
      value: x.savings_month_mad,
      tone: x.savings_month_mad > 0 ? "good" : undefined,
    }),
    card({
      id: "total-availability",
      label: t("kpi.availabilityMonth"),
      text: fmt.pct(x.availability_month_pct),
      value: x.availability_month_pct,
    }),
    x.open_alerts === null
      ? null
      : h(
          "a",
          { href: "#/alerts", class: "card-link" },
          card({
            id: "total-alerts",
            label: t("kpi.openAlerts"),
            text: fmt.count(x.open_alerts),
            value: x.open_alerts,
            tone: x.open_alerts > 0 ? "bad" : "good",
          }),
        ),
  );
}

function table(p, lang, c) {
  const cols = [
    ["col.power", (_r, i) => c.power.rows[i]],
    ["col.energyToday", (_r, i) => c.energyToday.rows[i]],
    ["col.savings", (_r, i) => c.savings.rows[i]],
    ["col.availability", (r) => fmt.pct(r.availability_month_pct)],
    ["col.alerts", (r) => (r.open_alerts === null ? "–" : fmt.count(r.open_alerts))],
  ];
  return h(
    "table",
    { class: "table", "data-testid": "programme-table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, t("col.institution")),
        cols.map(([k]) => h("th", { scope: "col" }, t(k))),
      ),
    ),
    h(
      "tbody",
      {},
      p.institutions.map((r, i) =>
        h(
          "tr",
          { "data-testid": `row-${r.institution.id}` },
          h(
            "th",
            { scope: "row" },
            h("a", { href: `#/institution/${r.institution.id}` }, nameOf(r.institution, lang)),
          ),
          cols.map(([k, f]) => h("td", { "data-label": t(k) }, f(r, i))),
        ),
      ),
    ),
  );
}

export async function programmeView(main, ctx) {
  const p = await api.programme();
  if (!ctx.current()) return;
  const lang = language();
  const c = columns(p);
  const savingsText = new Map(p.institutions.map((r, i) => [r.institution.id, c.savings.rows[i]]));
  const energy = programmeEnergyPanel(p.today, ctx);
  const ranked = [...p.institutions].sort(
    (a, b) => (b.savings_month_mad ?? -1) - (a.savings_month_mad ?? -1),
  );
  mount(
    main,
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, t("programme.title")),
      h(
        "p",
        { class: "muted", "data-testid": "programme-count" },
        t("programme.count", { n: p.totals.institutions, r: p.totals.reporting }),
      ),
    ),
    totals(p, c),
    panel(
      t("programme.savingsBy"),
      "panel-ranking",
      rankBars(
        ranked.map((r) => ({
          label: nameOf(r.institution, lang),
          value: r.savings_month_mad,
          text: savingsText.get(r.institution.id),
          href: `#/institution/${r.institution.id}`,
        })),
      ),
    ),
    h("div", { class: "table-wrap" }, table(p, lang, c)),
    energy.box,
  );
  // The view is drawn once its energy panel is.
  await energy.ready;
}

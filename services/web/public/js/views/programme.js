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

function totals(p) {
  const x = p.totals;
  return h(
    "div",
    { class: "cards" },
    card({
      id: "total-power",
      label: t("kpi.powerNow"),
      text: fmt.power(x.power_now_w),
      value: x.power_now_w,
    }),
    card({
      id: "total-energy-today",
      label: t("kpi.energyToday"),
      text: fmt.kwh(x.energy_today_kwh),
      value: x.energy_today_kwh,
    }),
    card({
      id: "total-energy-month",
      label: t("kpi.energyMonth"),
      text: fmt.kwh(x.energy_month_kwh),
      value: x.energy_month_kwh,
    }),
    card({
      id: "total-savings",
      label: t("kpi.savingsMonth"),
      text: fmt.mad(x.savings_month_mad, 0),
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
            text: fmt.plain(x.open_alerts),
            value: x.open_alerts,
            tone: x.open_alerts > 0 ? "bad" : "good",
          }),
        ),
  );
}

function table(p, lang) {
  const cols = [
    ["col.power", (r) => fmt.power(r.power_now_w)],
    ["col.energyToday", (r) => fmt.kwh(r.energy_today_kwh)],
    ["col.savings", (r) => fmt.mad(r.savings_month_mad, 0)],
    ["col.availability", (r) => fmt.pct(r.availability_month_pct)],
    ["col.alerts", (r) => (r.open_alerts === null ? "–" : fmt.plain(r.open_alerts))],
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
      p.institutions.map((r) =>
        h(
          "tr",
          { "data-testid": `row-${r.institution.id}` },
          h(
            "th",
            { scope: "row" },
            h("a", { href: `#/institution/${r.institution.id}` }, nameOf(r.institution, lang)),
          ),
          cols.map(([k, f]) => h("td", { "data-label": t(k) }, f(r))),
        ),
      ),
    ),
  );
}

export async function programmeView(main, ctx) {
  const p = await api.programme();
  if (!ctx.current()) return;
  const lang = language();
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
    totals(p),
    panel(
      t("programme.savingsBy"),
      "panel-ranking",
      rankBars(
        ranked.map((r) => ({
          label: nameOf(r.institution, lang),
          value: r.savings_month_mad,
          text: fmt.mad(r.savings_month_mad, 0),
          href: `#/institution/${r.institution.id}`,
        })),
      ),
    ),
    h("div", { class: "table-wrap" }, table(p, lang)),
  );
}

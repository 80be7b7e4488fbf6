/**
 * Where the programme's energy goes, on the ministry's overview: for a day (today by default, or any day
 * chosen with ◀ ▶ or the date field), a week, a month or a year, every institution's PV production,
 * self-consumed, exported, grid import and consumption, self-consumption and self-sufficiency, and the
 * programme's totals. Each energy column and its total are formatted together (format.js, column), so
 * the displayed rows add up to the displayed total. The chosen period survives the 30-second refresh.
 */
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import * as fmt from "../format.js";
import { language, t } from "../i18n.js";
import { nameOf } from "./common.js";
import { periodNav } from "./energy.js";

const state = { kind: "day", date: null };

/** [label key, flow key]: the energy columns, each with its total. */
const ENERGY = [
  ["energy.pv", "pv_kwh"],
  ["energy.self", "self_consumed_kwh"],
  ["energy.export", "export_kwh"],
  ["energy.import", "import_kwh"],
  ["energy.consumption", "consumption_kwh"],
];
const SHARES = [
  ["energy.selfConsumption", "self_consumption_pct"],
  ["energy.selfSufficiency", "self_sufficiency_pct"],
];

function table(e, lang) {
  const cols = ENERGY.map(([label, key]) => ({
    label,
    key,
    ...fmt.column(
      e.institutions.map((r) => r.flow[key]),
      "Wh",
      { kwh: true, total: e.totals[key] },
    ),
  }));
  const cell = (label, text, testid) => h("td", { "data-label": t(label), "data-testid": testid }, text);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "table", "data-testid": "programme-energy-table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, t("col.institution")),
          [...ENERGY, ...SHARES].map(([label]) => h("th", { scope: "col" }, t(label))),
        ),
      ),
      h(
        "tbody",
        {},
        e.institutions.map((r, i) =>
          h(
            "tr",
            { "data-testid": `energy-row-${r.institution.id}` },
            h("th", { scope: "row" }, nameOf(r.institution, lang)),
            cols.map((c) => cell(c.label, c.rows[i], c.key)),
            SHARES.map(([label, key]) => cell(label, fmt.pct(r.flow[key]), key)),
          ),
        ),
      ),
      h(
        "tfoot",
        {},
        h(
          "tr",
          { class: "total", "data-testid": "energy-total" },
          h("th", { scope: "row" }, t("programme.total")),
          cols.map((c) => cell(c.label, c.total, c.key)),
          SHARES.map(([label, key]) => cell(label, fmt.pct(e.totals[key]), key)),
        ),
      ),
    ),
  );
}

/** The panel; `today` is the programme's local day (the summary's). */
export function programmeEnergyPanel(today, ctx) {
  const box = h("section", { class: "panel programme-energy", "data-testid": "panel-programme-energy" });
  state.date ??= today;
  const draw = async () => {
    const e = await api.programmeEnergy(state.kind, state.date);
    if (!ctx.current()) return;
    const lang = language();
    const chooser = h("input", {
      type: "date",
      value: state.date,
      max: today,
      "aria-label": t("energy.chooseDay"),
      "data-testid": "programme-energy-date",
      onchange: (ev) => {
        if (!ev.target.value) return;
        state.date = ev.target.value;
        void draw();
      },
    });
    mount(
      box,
      h("h2", {}, t("programme.energyTitle")),
      periodNav({ state, period: e.period, today, redraw: draw, testid: "programme-energy", extra: chooser }),
      table(e, lang),
      h(
        "p",
        { class: "muted", "data-testid": "programme-energy-reporting" },
        t("programme.count", { n: e.totals.institutions, r: e.totals.reporting }),
      ),
    );
    box.dataset.period = `${e.period.kind}:${e.period.label}`;
  };
  const ready = draw().catch((err) => mount(box, h("p", { class: "error" }, err.message)));
  return { box, ready };
}

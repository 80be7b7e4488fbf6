/**
 * Where the energy goes, in the institution's view: a day, week, month or year (moved with ◀ ▶), its PV
 * production split into self-consumed and exported, the building's consumption split into solar and
 * grid, self-consumption and self-sufficiency, solar heat against the backup, each against the previous
 * period and the same period last year, and the clear-sky yield with the shortfall in kWh and MAD.
 * The chosen period is kept per institution, so the 30-second refresh does not move it.
 */
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { emptyText } from "../empty.js";
import * as fmt from "../format.js";
import { locale, t } from "../i18n.js";

const chosen = new Map();

export function shift(kind, day, n) {
  const [y, m, d] = day.split("-").map(Number);
  const date =
    kind === "day"
      ? new Date(Date.UTC(y, m - 1, d + n))
      : kind === "week"
        ? new Date(Date.UTC(y, m - 1, d + 7 * n))
        : kind === "month"
          ? new Date(Date.UTC(y, m - 1 + n, 1))
          : new Date(Date.UTC(y + n, 0, 1));
  return date.toISOString().slice(0, 10);
}

/** "19 novembre 2026", "semaine du 16 novembre 2026", "novembre 2026", "2026". */
export function periodLabel(p) {
  const [y, m, d] = p.first_day.split("-").map(Number);
  const at = Date.UTC(y, m - 1, d, 12);
  const f = (o) => new Intl.DateTimeFormat(locale(), { ...o, timeZone: "UTC" }).format(at);
  if (p.kind === "day") return f({ dateStyle: "long" });
  if (p.kind === "week") return t("energy.weekOf", { d: f({ dateStyle: "long" }) });
  if (p.kind === "month") return f({ month: "long", year: "numeric" });
  return String(y);
}

/**
 * The period navigation of an energy view: day, week, month or year, the period before and after (not
 * past today), then `extra` (the programme's date chooser). Test ids start with `testid`.
 */
export function periodNav({ state, period, today, redraw, testid, extra = null }) {
  const kindButton = (kind) =>
    h(
      "button",
      {
        type: "button",
        class: "toggle",
        "aria-pressed": String(state.kind === kind),
        "data-testid": `${testid}-kind-${kind}`,
        onclick: () => {
          state.kind = kind;
          void redraw();
        },
      },
      t(`energy.${kind}`),
    );
  const move = (n, label) =>
    h(
      "button",
      {
        type: "button",
        class: "toggle",
        "aria-label": label,
        "data-testid": `${testid}-${n < 0 ? "prev" : "next"}`,
        disabled: n > 0 && period.last_day >= today,
        onclick: () => {
          state.date = shift(state.kind, period.first_day, n);
          void redraw();
        },
      },
      // Arrows point back and forth in reading order: mirrored in Arabic by the page's direction.
      n < 0 ? "‹" : "›",
    );
  return h(
    "div",
    { class: "energy-nav" },
    h("div", { class: "toggles" }, ["day", "week", "month", "year"].map(kindButton)),
    h(
      "div",
      { class: "toggles" },
      move(-1, t("energy.before")),
      h(
        "strong",
        { class: "energy-label", "data-testid": `${testid}-label`, "data-period": period.label },
        periodLabel(period),
      ),
      move(1, t("energy.after")),
      extra,
    ),
  );
}

const ROWS = [
  ["energy.pv", (f) => fmt.kwh(f.pv_kwh)],
  ["energy.self", (f) => fmt.kwh(f.self_consumed_kwh)],
  ["energy.export", (f) => fmt.kwh(f.export_kwh)],
  ["energy.import", (f) => fmt.kwh(f.import_kwh)],
  ["energy.consumption", (f) => fmt.kwh(f.consumption_kwh)],
  ["energy.selfConsumption", (f) => fmt.pct(f.self_consumption_pct)],
  ["energy.selfSufficiency", (f) => fmt.pct(f.self_sufficiency_pct)],
  ["energy.solarHeat", (f) => fmt.kwh(f.solar_heat_kwh)],
  ["energy.backupHeat", (f) => fmt.kwh(f.backup_heat_kwh)],
];

/** The building's consumption as one bar: the sun's share, then the grid's. HTML, so it mirrors. */
function consumptionBar(f) {
  if (f.consumption_kwh === null || f.self_consumed_kwh === null || f.consumption_kwh <= 0) return null;
  const solar = h("span", { class: "flow-solar" });
  const grid = h("span", { class: "flow-grid" });
  const share = Math.min(100, (f.self_consumed_kwh / f.consumption_kwh) * 100);
  solar.style.inlineSize = `${share}%`;
  grid.style.inlineSize = `${100 - share}%`;
  return h(
    "div",
    { class: "flow", "data-testid": "energy-bar" },
    h("div", { class: "flow-track" }, solar, grid),
    h(
      "p",
      { class: "legend" },
      h("span", {}, h("span", { class: "key b-elec", "aria-hidden": "true" }), t("energy.fromSun")),
      h("span", {}, h("span", { class: "key flow-grid-key", "aria-hidden": "true" }), t("energy.fromGrid")),
    ),
  );
}

function table(e) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "table energy-table", "data-testid": "energy-table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, ""),
          h("th", { scope: "col" }, t("energy.this")),
          h("th", { scope: "col" }, t("energy.previous")),
          h("th", { scope: "col" }, t("energy.lastYear")),
        ),
      ),
      h(
        "tbody",
        {},
        ROWS.map(([key, f]) =>
          h(
            "tr",
            { "data-testid": `energy-${key.slice(7)}` },
            h("th", { scope: "row" }, t(key)),
            h("td", { "data-label": t("energy.this") }, f(e.flow)),
            h("td", { "data-label": t("energy.previous") }, f(e.previous.flow)),
            h("td", { "data-label": t("energy.lastYear") }, f(e.last_year.flow)),
          ),
        ),
      ),
    ),
  );
}

function expected(e) {
  const x = e.expected;
  if (x.pv_kwh === null || e.flow.pv_kwh === null) return null;
  return h(
    "p",
    { class: "muted", "data-testid": "energy-expected" },
    t("energy.expected", {
      e: fmt.kwh(x.pv_kwh),
      a: fmt.kwh(e.flow.pv_kwh),
      s: fmt.kwh(x.shortfall_kwh),
      m: fmt.mad(x.shortfall_mad),
    }),
  );
}

/** The panel; `today` is the institution's local day (the summary's). */
export function energyPanel(id, today, ctx) {
  const box = h("section", { class: "panel", "data-testid": "panel-energy" });
  const state = chosen.get(id) ?? { kind: "day", date: today };
  const draw = async () => {
    chosen.set(id, state);
    const e = await api.energy(id, state.kind, state.date);
    if (!ctx.current()) return;
    mount(
      box,
      h("h2", {}, t("energy.title")),
      periodNav({ state, period: e.period, today, redraw: draw, testid: "energy" }),
      e.flow.days_with_data === 0 && e.flow.savings_mad === null
        ? h(
            "p",
            { class: "empty", "data-testid": "energy-empty" },
            emptyText(periodLabel(e.period), e.period.last_day, e.data_since),
          )
        : null,
      consumptionBar(e.flow),
      table(e),
      expected(e),
    );
    box.dataset.period = `${e.period.kind}:${e.period.label}`;
  };
  // The view waits for the first drawing, so it is complete when it says it is drawn.
  const ready = draw().catch((err) => mount(box, h("p", { class: "error" }, err.message)));
  return { box, ready };
}

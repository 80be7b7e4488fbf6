/**
 * Report download: period (month, quarter, year), institution (or the whole programme for the ministry),
 * format and language. Only periods with data are offered (GET /reports/periods, per institution), the
 * newest first, and the page says when the data begins, so nobody downloads three pages of "—". The button is a plain link to /api/v1/reports, so the browser downloads the file
 * with the session cookie and no script handles the bytes.
 */
import { api, reportUrl } from "../api.js";
import { h, mount } from "../dom.js";
import { language, locale, t } from "../i18n.js";
import { nameOf } from "./common.js";

/** "novembre 2026" for "2026-11" (noon UTC on the 1st: the month cannot shift in any zone). */
function monthLabel(month) {
  const [y, m] = month.split("-").map(Number);
  return new Intl.DateTimeFormat(locale(), { month: "long", year: "numeric", timeZone: "UTC" }).format(
    Date.UTC(y, m - 1, 1, 12),
  );
}

/** "1 novembre 2026" for "2026-11-01". */
function dayLabel(day) {
  const [y, m, d] = day.split("-").map(Number);
  return new Intl.DateTimeFormat(locale(), { dateStyle: "long", timeZone: "UTC" }).format(
    Date.UTC(y, m - 1, d, 12),
  );
}

function select(name, options, value) {
  return h(
    "select",
    { name, "data-testid": `report-${name}` },
    options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)),
  );
}

function fill(selectEl, options, keep) {
  const value = options.some(([v]) => v === keep) ? keep : options[0]?.[0];
  selectEl.replaceChildren(
    ...options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)),
  );
  if (value !== undefined) selectEl.value = value;
}

export async function reportsView(main, ctx) {
  const lang = language();
  const kind = select(
    "kind",
    [
      ["month", t("reports.month")],
      ["quarter", t("reports.quarter")],
      ["year", t("reports.year")],
    ],
    "month",
  );
  const month = select("month", [], undefined);
  const quarter = select("quarter", [], undefined);
  const year = select("year", [], undefined);
  const scopes = [
    ...(ctx.me.can.programme_reports ? [["", t("reports.programme")]] : []),
    ...ctx.me.institutions.map((i) => [i.id, nameOf(i, lang)]),
  ];
  const institution = select("institution", scopes, scopes[0]?.[0]);
  const format = select(
    "format",
    [
      ["pdf", "PDF"],
      ["xlsx", "Excel (XLSX)"],
      ["csv", "CSV"],
    ],
    "pdf",
  );
  const reportLang = select(
    "lang",
    [
      ["fr", "Français"],
      ["ar", "العربية"],
      ["en", "English"],
    ],
    lang,
  );
  const link = h(
    "a",
    { class: "button primary", "data-testid": "report-download", download: "" },
    t("reports.download"),
  );
  const note = h("p", { class: "muted", "data-testid": "report-data-note" });
  const field = (label, control) => h("label", {}, h("span", {}, label), control);
  let periods = { months: [], first_day: null };

  const update = () => {
    const k = kind.value;
    month.parentElement.hidden = k !== "month";
    quarter.parentElement.hidden = k !== "quarter";
    year.parentElement.hidden = k !== "year";
    const none = periods.months.length === 0;
    link.hidden = none;
    note.textContent = none
      ? periods.first_day
        ? t("reports.noMonthYet", { d: dayLabel(periods.first_day) })
        : t("reports.noData")
      : periods.first_day
        ? t("reports.firstDay", { d: dayLabel(periods.first_day) })
        : "";
    const period = k === "month" ? month.value : k === "quarter" ? quarter.value : year.value;
    link.href = reportUrl({
      period,
      ...(institution.value ? { institution: institution.value } : {}),
      format: format.value,
      lang: reportLang.value,
    });
  };

  /** The periods of the chosen institution (or the programme), newest first. */
  const load = async () => {
    periods = await api.periods(institution.value || undefined);
    const months = periods.months;
    const quarters = [
      ...new Set(months.map((m) => `${m.slice(0, 4)}-Q${Math.ceil(Number(m.slice(5)) / 3)}`)),
    ];
    const years = [...new Set(months.map((m) => m.slice(0, 4)))];
    fill(
      month,
      months.map((m) => [m, monthLabel(m)]),
      month.value,
    );
    fill(
      quarter,
      quarters.map((q) => [q, q.replace("-", " ")]),
      quarter.value,
    );
    fill(
      year,
      years.map((y) => [y, y]),
      year.value,
    );
    // Which scope the offered periods are for (a test waits on it after choosing an institution).
    form.dataset.scope = institution.value;
    update();
  };

  const form = h(
    "form",
    { class: "report-form", "data-testid": "report-form" },
    field(t("reports.scope"), institution),
    field(t("reports.kind"), kind),
    field(t("reports.month"), month),
    field(t("reports.quarter"), quarter),
    field(t("reports.year"), year),
    field(t("reports.format"), format),
    field(t("reports.language"), reportLang),
    link,
  );
  form.addEventListener("change", (e) => {
    if (e.target === institution) void load();
    else update();
  });
  form.addEventListener("submit", (e) => e.preventDefault());
  await load();
  if (!ctx.current()) return;
  mount(
    main,
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, t("reports.title")),
      h("p", { class: "muted" }, t("reports.intro")),
    ),
    form,
    note,
  );
}

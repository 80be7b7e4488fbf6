/**
 * Report download: period (month, quarter, year), institution (or the whole programme for the ministry),
 * format and language. The button is a plain link to /api/v1/reports, so the browser downloads the file
 * with the session cookie and no script handles the bytes.
 */
import { reportUrl } from "../api.js";
import { h, mount } from "../dom.js";
import { language, t } from "../i18n.js";
import { nameOf } from "./common.js";

/** The last complete month, in the local calendar of the browser (Morocco for our users). */
function lastMonth() {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
}

function select(name, options, value) {
  return h(
    "select",
    { name, "data-testid": `report-${name}` },
    options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)),
  );
}

export function reportsView(main, ctx) {
  const lang = language();
  const month = lastMonth();
  const year = month.slice(0, 4);
  const kind = select(
    "kind",
    [
      ["month", t("reports.month")],
      ["quarter", t("reports.quarter")],
      ["year", t("reports.year")],
    ],
    "month",
  );
  const monthInput = h("input", {
    type: "month",
    name: "month",
    value: month,
    "data-testid": "report-month",
  });
  const quarter = select(
    "quarter",
    [1, 2, 3, 4].map((q) => [`Q${q}`, `Q${q}`]),
    "Q1",
  );
  const yearInput = h("input", {
    type: "number",
    name: "year",
    value: year,
    min: "2020",
    max: "2100",
    "data-testid": "report-year",
  });
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

  const update = () => {
    const k = kind.value;
    monthInput.parentElement.hidden = k !== "month";
    quarter.parentElement.hidden = k !== "quarter";
    yearInput.parentElement.hidden = k === "month";
    const period =
      k === "month"
        ? monthInput.value
        : k === "quarter"
          ? `${yearInput.value}-${quarter.value}`
          : yearInput.value;
    link.href = reportUrl({
      period,
      ...(institution.value ? { institution: institution.value } : {}),
      format: format.value,
      lang: reportLang.value,
    });
  };
  const field = (label, control) => h("label", {}, h("span", {}, label), control);
  const form = h(
    "form",
    { class: "report-form", "data-testid": "report-form" },
    field(t("reports.kind"), kind),
    field(t("reports.month"), monthInput),
    field(t("reports.year"), yearInput),
    field(t("reports.quarter"), quarter),
    field(t("reports.scope"), institution),
    field(t("reports.format"), format),
    field(t("reports.language"), reportLang),
    link,
  );
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", (e) => e.preventDefault());
  mount(
    main,
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, t("reports.title")),
      h("p", { class: "muted" }, t("reports.intro")),
    ),
    form,
  );
  update();
}

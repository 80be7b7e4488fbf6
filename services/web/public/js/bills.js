/**
 * The bills page: record a bill (ministry, or the institution's manager), see each bill reconciled with
 * our meter and tariff, the tariff fit and the IPMVP savings, and (ministry) the programme's table.
 * Data is written with textContent only, never as HTML. The session is the main page's cookie.
 */
import { WORDS } from "./bills-i18n.js";

const $ = (sel) => document.querySelector(sel);
let lang = "fr";
let me = null;
const t = (key) => WORDS[lang][key] ?? WORDS.fr[key] ?? key;

async function call(method, path, body) {
  const res = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const error = new Error(data?.error?.message ?? `HTTP ${res.status}`);
    error.status = res.status;
    error.problems = data?.error?.problems ?? [];
    throw error;
  }
  return data;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
  return node;
}

const num = (x, d = 2) =>
  x === undefined || x === null
    ? "—"
    : new Intl.NumberFormat(lang === "ar" ? "ar-MA" : lang === "en" ? "en-GB" : "fr-MA", {
        minimumFractionDigits: d,
        maximumFractionDigits: d,
      }).format(x);

function table(headers, rows) {
  return el(
    "table",
    { class: "bills-table" },
    el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", {}, c))))),
  );
}

function setLang(next) {
  lang = WORDS[next] ? next : "fr";
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === "ar" ? "rtl" : "ltr";
  document.title = `Jisr Solar · ${t("title")}`;
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  for (const b of document.querySelectorAll("[data-lang]"))
    b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
  fillInstitutions();
  void refresh();
}

function fillInstitutions() {
  const select = $("#bills-institution");
  if (!me) return;
  const current = select.value;
  select.replaceChildren(
    ...me.institutions.map((i) => el("option", { value: i.id }, i.name[lang] ?? i.name.fr)),
  );
  if (current) select.value = current;
}

function status(text) {
  $("[data-testid=status]").textContent = text;
}

function flagList(flags) {
  if (flags.length === 0) return "";
  return el(
    "ul",
    { class: "bills-flags" },
    ...flags.map((f) =>
      el("li", { title: f.message }, el("strong", {}, t("flag")[f.code] ?? f.code), " — ", f.message),
    ),
  );
}

async function refresh() {
  if (!me) return;
  const id = $("#bills-institution").value;
  const section = $("#bills-reconciliation");
  if (!id) return;
  try {
    const { institution: r } = await call(
      "GET",
      `/api/v1/bills/reconciliation?institution=${encodeURIComponent(id)}`,
    );
    section.replaceChildren(...renderInstitution(r));
    section.hidden = false;
    status("");
  } catch (err) {
    status(err.message);
  }
  if (me.can.programme) {
    try {
      const { programme } = await call("GET", "/api/v1/bills/reconciliation");
      const names = new Map(me.institutions.map((i) => [i.id, i.name[lang] ?? i.name.fr]));
      const rows = programme.map((p) => [
        names.get(p.institution) ?? p.institution,
        p.bills,
        p.flagged,
        num(p.billedKwh, 0),
        num(p.meteredKwh, 0),
        num(p.billedTtc),
        num(p.predictedTtc),
        `${p.tariff} (${p.tariffConfirmed ? t("confirmed") : t("unconfirmed")})`,
        `${num(p.savingsTtc)} [${num(p.band.low)}, ${num(p.band.high)}]`,
      ]);
      const headers = [
        t("institution"),
        t("bills"),
        t("flagged"),
        t("billedKwh"),
        t("meteredKwh"),
        t("billedMad"),
        t("predictedMad"),
        t("tariff"),
        t("saving"),
      ];
      $("#bills-programme").replaceChildren(el("h2", {}, t("programme")), table(headers, rows));
      $("#bills-programme").hidden = false;
    } catch (err) {
      status(err.message);
    }
  }
}

function renderInstitution(r) {
  const out = [el("h2", {}, t("reconciliation"))];
  if (r.reconciliation.length === 0) return [...out, el("p", {}, t("none"))];
  const rows = r.reconciliation.map((b) => {
    const total = b.lines.find((l) => l.kind === "total");
    return [
      `${b.from} → ${b.to}${b.estimated ? ` (${t("estimatedMark")})` : ""}`,
      b.days,
      num(b.kwh.billed, 0),
      num(b.kwh.metered, 0),
      num(b.kwh.diff, 0),
      num(total?.billed),
      num(total?.predicted),
      num(total?.diff),
      flagList(b.flags),
    ];
  });
  out.push(
    table(
      [
        t("period"),
        t("days"),
        t("billedKwh"),
        t("meteredKwh"),
        t("diffKwh"),
        t("billedMad"),
        t("predictedMad"),
        t("diffMad"),
        t("flags"),
      ],
      rows,
    ),
  );
  out.push(
    el("p", { class: "bills-note" }, `${t("assumptions")}: ${r.reconciliation[0].assumptions.join(" ; ")}`),
  );
  out.push(el("h3", {}, t("fit")));
  out.push(
    el(
      "p",
      { "data-testid": "fit" },
      r.fit.reproducing
        ? `${r.pricingTariff.id}${r.pricingTariff.changes.length ? ` (${r.pricingTariff.changes.join("; ")})` : ""}`
        : t("fitNone"),
    ),
  );
  const s = r.savings;
  out.push(el("h3", {}, t("savings")));
  out.push(el("p", { class: "bills-note" }, `${t("boundary")}: ${s.boundary}`));
  out.push(
    el(
      "p",
      { class: "bills-note" },
      `${t("meters")}: ${s.meters.map((m) => `${m.role} ${m.devices.join(", ")} ±${m.accuracyClassPct} %`).join(" ; ")}`,
    ),
  );
  out.push(
    table(
      [
        t("period"),
        t("withoutSolar"),
        t("paid"),
        t("saving"),
        t("band"),
        t("completeness"),
        t("tariff"),
        t("marks"),
      ],
      s.periods.map((p) => [
        `${p.from} → ${p.to}`,
        num(p.baselineTtc),
        p.actualBasis === "bill" ? num(p.actualTtc) : `${num(p.actualTtc)} ${t("predicted")}`,
        p.savingsTtc === null ? t("notMeasured") : num(p.savingsTtc),
        p.band ? `[${num(p.band.low)}, ${num(p.band.high)}]` : "—",
        `${num(p.completeness * 100, 1)} %`,
        `${p.tariffId} (${p.tariffConfirmed ? t("confirmed") : t("unconfirmed")})`,
        p.marks.join(" ; "),
      ]),
    ),
  );
  return out;
}

/** The form's fields → the bill the API takes (the schema of @jisr/analytics bills). */
function billOf(form) {
  const v = (name) => form.elements[name].value.trim();
  const n = (name) => (v(name) === "" ? undefined : Number(v(name)));
  const register = {};
  if (v("index_from") !== "" || v("index_to") !== "") {
    register.index_from = n("index_from");
    register.index_to = n("index_to");
  }
  if (v("kwh") !== "") register.kwh = n("kwh");
  const line = (kind, name, label, basis) =>
    v(name) === "" ? [] : [{ kind, label, amount: n(name), ...(basis ? { basis } : {}) }];
  return {
    institution: $("#bills-institution").value,
    ...(v("from") ? { from: v("from") } : {}),
    ...(v("to") ? { to: v("to") } : {}),
    ...(v("reference") ? { reference: v("reference") } : {}),
    estimated: form.elements.estimated.checked,
    registers: [register],
    lines: [
      ...line("energy", "energy", t("energy"), v("energy_basis")),
      ...line("fixed_fee", "fixed_fees", t("fixed_fees"), "ht"),
      ...line("levy", "levy", t("levy"), "ht"),
      ...line("vat", "vat", t("vat")),
      ...line("other", "other", t("other"), "ht"),
    ],
    ...(v("total") === "" ? {} : { total: n("total") }),
    ...(v("scan") ? { scan: v("scan") } : {}),
  };
}

async function submit(event) {
  event.preventDefault();
  const form = event.target;
  const list = $("[data-testid=problems]");
  list.hidden = true;
  try {
    await call("POST", "/api/v1/bills", billOf(form));
    status(t("saved"));
    form.reset();
    await refresh();
  } catch (err) {
    // Every problem at once, each naming its field as the API does (body.total, body.registers.0...).
    list.replaceChildren(
      el("li", {}, el("strong", {}, t("problems"))),
      ...(err.problems.length ? err.problems : [{ path: "", message: err.message }]).map((p) =>
        el("li", {}, `${p.path.replace(/^body\./, "")}: ${p.message}`),
      ),
    );
    list.hidden = false;
  }
}

async function start() {
  for (const b of document.querySelectorAll("[data-lang]"))
    b.addEventListener("click", () => setLang(b.dataset.lang));
  status(t("loading"));
  try {
    me = await call("GET", "/api/v1/me");
  } catch {
    status(WORDS[lang].login);
    return;
  }
  $("#bills-pick").hidden = false;
  $("#bills-form-section").hidden = !(me.role === "ministry" || me.role === "manager");
  $("#bills-institution").addEventListener("change", () => void refresh());
  $("#bills-form").addEventListener("submit", (e) => void submit(e));
  setLang(me.language);
}

void start();

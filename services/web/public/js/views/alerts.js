/**
 * Alerts of the institutions the user sees, newest first, in the page's language, read at a glance:
 * one fault is one card (the rules one device raised over overlapping times: an inverter in fault also
 * produces nothing), a resolved fault reads resolved (when, how long it lasted, no red, nothing to do),
 * times are relative ("il y a 12 min") and devices carry their names. Technicians and the ministry
 * acknowledge a card here (with an optional comment); the alerting service records who and when.
 */
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { language, locale, t } from "../i18n.js";
import { nameOf } from "./common.js";

let showAll = false;

const SEVERITY_RANK = { critical: 0, major: 1, minor: 2, info: 3 };
/** Alerts of one device this close in time are one fault (a rule may trip a little after another). */
const SAME_FAULT_GAP_MS = 15 * 60_000;

const start = (a) => Date.parse(a.firing_since ?? a.active_since);
const end = (a, now) => (a.resolved_at ? Date.parse(a.resolved_at) : now);

/**
 * Groups the alerts of one institution and device whose times overlap (within 15 minutes) into one
 * fault; the most severe (then the earliest) speaks for it. Pure, so tests could feed it lists.
 */
export function groupFaults(alerts, now) {
  const byDevice = new Map();
  for (const a of alerts) {
    const key = `${a.institution}\u0000${a.device}`;
    byDevice.set(key, [...(byDevice.get(key) ?? []), a]);
  }
  const faults = [];
  for (const list of byDevice.values()) {
    list.sort((x, y) => start(x) - start(y));
    let current = null;
    for (const a of list) {
      if (current && start(a) <= current.to + SAME_FAULT_GAP_MS) {
        current.members.push(a);
        current.to = Math.max(current.to, end(a, now));
      } else {
        current = { members: [a], from: start(a), to: end(a, now) };
        faults.push(current);
      }
    }
  }
  for (const f of faults) {
    f.members.sort((x, y) => SEVERITY_RANK[x.severity] - SEVERITY_RANK[y.severity] || start(x) - start(y));
    f.lead = f.members[0];
    f.open = f.members.filter((a) => a.state !== "resolved");
    f.resolved = f.open.length === 0;
    f.resolvedAt = f.resolved ? Math.max(...f.members.map((a) => Date.parse(a.resolved_at))) : null;
  }
  // Open faults first, then newest first.
  return faults.sort((x, y) => Number(x.resolved) - Number(y.resolved) || y.from - x.from);
}

/** "il y a 12 min", "hier", "dans 2 h" against the server's clock. */
function relative(ms, now) {
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: "auto", style: "long" });
  const s = Math.round((ms - now) / 1000);
  const abs = Math.abs(s);
  if (abs < 60) return rtf.format(s, "second");
  if (abs < 3600) return rtf.format(Math.round(s / 60), "minute");
  if (abs < 86_400) return rtf.format(Math.round(s / 3600), "hour");
  return rtf.format(Math.round(s / 86_400), "day");
}

/** "42 min", "3 h 05 min", "2 j". */
export function duration(ms) {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  const unit = (value, u) =>
    new Intl.NumberFormat(locale(), { style: "unit", unit: u, unitDisplay: "short" }).format(value);
  if (minutes < 60) return unit(minutes, "minute");
  if (minutes < 48 * 60) {
    const m = minutes % 60;
    return m === 0
      ? unit(Math.floor(minutes / 60), "hour")
      : `${unit(Math.floor(minutes / 60), "hour")} ${unit(m, "minute")}`;
  }
  return unit(Math.round(minutes / 1440), "day");
}

function ackForm(fault, refresh) {
  const comment = h("input", {
    name: "comment",
    maxlength: "500",
    placeholder: t("alerts.comment"),
    "aria-label": t("alerts.comment"),
  });
  const button = h("button", { type: "submit", class: "primary", "data-testid": "ack" }, t("alerts.ack"));
  const form = h("form", { class: "ack" }, comment, button);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    // One fault, one acknowledgement: every open alert of the card is acknowledged with the comment.
    const pending = fault.open.filter((a) => !a.ack);
    await Promise.all(pending.map((a) => api.ack(a.id, comment.value))).then(
      () => {
        comment.value = "";
        return refresh();
      },
      (err) => {
        button.disabled = false;
        form.append(h("p", { class: "error" }, err.message));
      },
    );
  });
  return form;
}

function card(fault, ctx, institutions, now, refresh) {
  const a = fault.lead;
  const inst = institutions.get(a.institution);
  const device = a.device_name ?? a.device;
  const acked = fault.open.length > 0 && fault.open.every((x) => x.ack) ? fault.open[0].ack : null;
  const others = fault.members.slice(1);
  const when = fault.resolved
    ? h(
        "p",
        { class: "resolved-when", "data-testid": "resolved-when" },
        t("alerts.resolvedAt", {
          ago: relative(fault.resolvedAt, now),
          t: a.resolved_local?.slice(11) ?? "",
          d: duration(fault.resolvedAt - fault.from),
        }),
      )
    : null;
  return h(
    "li",
    {
      class: `alert ${fault.resolved ? "resolved" : `sev-${a.severity}`}`,
      "data-testid": `alert-${a.id}`,
      "data-members": fault.members.map((x) => x.id).join(" "),
      "data-state": fault.resolved ? "resolved" : "open",
    },
    h(
      "div",
      { class: "alert-head" },
      fault.resolved
        ? h("span", { class: "chip good" }, t("state.resolved"))
        : h("span", { class: `chip sev-${a.severity}` }, t(`severity.${a.severity}`)),
      h("strong", {}, inst ? nameOf(inst, language()) : a.institution),
      h("span", { class: "muted", "data-testid": "alert-device" }, device),
      h(
        "span",
        { class: "muted", title: a.since_local, "data-testid": "alert-since" },
        t("alerts.began", { ago: relative(fault.from, now) }),
      ),
    ),
    h("p", { class: "alert-text" }, a.text?.summary ?? a.rule),
    others.length
      ? h(
          "ul",
          { class: "also", "data-testid": "alert-also" },
          others.map((o) => h("li", {}, o.text?.summary ?? o.rule)),
        )
      : null,
    when,
    !fault.resolved && a.text?.action
      ? h("p", { class: "muted" }, t("alerts.action", { a: a.text.action }))
      : null,
    acked
      ? h(
          "p",
          { class: "acked", "data-testid": "acked" },
          t("alerts.acked", { by: acked.by }),
          acked.comment ? ` · ${acked.comment}` : "",
        )
      : ctx.me.can.acknowledge && !fault.resolved
        ? ackForm(fault, refresh)
        : null,
  );
}

export async function alertsView(main, ctx) {
  const lang = language();
  const institutions = new Map(ctx.me.institutions.map((i) => [i.id, i]));
  const refresh = () => alertsView(main, ctx);
  const list = await api.alerts({ lang, ...(showAll ? {} : { state: "open" }) });
  if (!ctx.current()) return;
  const fetched = Date.now();
  // Relative times count from the server's clock (the demo's runs faster than the wall's).
  const now = (list.at ? Date.parse(list.at) : fetched) + (Date.now() - fetched);
  const faults = list.configured ? groupFaults(list.alerts, now) : [];
  const toggle = (all, key) =>
    h(
      "button",
      {
        type: "button",
        class: "toggle",
        "aria-pressed": String(showAll === all),
        "data-testid": `alerts-${all ? "all" : "open"}`,
        onclick: () => {
          showAll = all;
          void refresh();
        },
      },
      t(key),
    );
  mount(
    main,
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, t("alerts.title")),
      h("div", { class: "toggles" }, toggle(false, "alerts.open"), toggle(true, "alerts.all")),
    ),
    !list.configured
      ? h("p", { class: "muted" }, t("alerts.notConfigured"))
      : faults.length === 0
        ? h(
            "p",
            { class: "muted", "data-testid": "no-alerts" },
            t(showAll ? "alerts.none" : "alerts.noneOpen"),
          )
        : h(
            "ul",
            { class: "alerts", "data-testid": "alerts" },
            faults.map((f) => card(f, ctx, institutions, now, refresh)),
          ),
  );
}

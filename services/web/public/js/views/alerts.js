/**
 * Alerts of the institutions the user sees, newest first, in the page's language. Technicians and the
 * ministry acknowledge them here (with an optional comment); the alerting service records who and when.
 */
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { language, t } from "../i18n.js";
import { nameOf, showError } from "./common.js";

let showAll = false;

function ackForm(alert, refresh) {
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
    await api.ack(alert.id, comment.value).then(refresh, (err) => {
      button.disabled = false;
      form.append(h("p", { class: "error" }, err.message));
    });
  });
  return form;
}

function item(alert, ctx, names, refresh) {
  return h(
    "li",
    { class: `alert sev-${alert.severity}`, "data-testid": `alert-${alert.id}` },
    h(
      "div",
      { class: "alert-head" },
      h("span", { class: `chip sev-${alert.severity}` }, t(`severity.${alert.severity}`)),
      h("span", { class: "chip" }, t(`state.${alert.state}`)),
      h("strong", {}, names.get(alert.institution) ?? alert.institution),
      h("span", { class: "muted" }, `${alert.device} · ${t("alerts.since", { t: alert.since_local })}`),
    ),
    h("p", { class: "alert-text" }, alert.text?.summary ?? alert.rule),
    alert.text?.action ? h("p", { class: "muted" }, t("alerts.action", { a: alert.text.action })) : null,
    alert.ack
      ? h(
          "p",
          { class: "acked", "data-testid": "acked" },
          t("alerts.acked", { by: alert.ack.by }),
          alert.ack.comment ? ` · ${alert.ack.comment}` : "",
        )
      : ctx.me.can.acknowledge && alert.state !== "resolved"
        ? ackForm(alert, refresh)
        : null,
  );
}

export async function alertsView(main, ctx) {
  const lang = language();
  const names = new Map(ctx.me.institutions.map((i) => [i.id, nameOf(i, lang)]));
  const refresh = () => alertsView(main, ctx).catch((err) => showError(main, err));
  const list = await api.alerts({ lang, ...(showAll ? {} : { state: "open" }) });
  if (!ctx.current()) return;
  const toggle = (all, key) =>
    h(
      "button",
      {
        type: "button",
        class: "toggle",
        "aria-pressed": String(showAll === all),
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
      : list.alerts.length === 0
        ? h("p", { class: "muted", "data-testid": "no-alerts" }, t("alerts.none"))
        : h(
            "ul",
            { class: "alerts", "data-testid": "alerts" },
            list.alerts.map((a) => item(a, ctx, names, refresh)),
          ),
  );
}

/** Pieces the views share: a figure card, a section with a title, errors. */
import { ApiError } from "../api.js";
import { h, mount } from "../dom.js";
import { t } from "../i18n.js";

/** A headline figure; `value` (raw) goes in data-value so tests read numbers, not formatted text. */
export function card({ id, label, text, value, note, tone }) {
  return h(
    "section",
    { class: `card${tone ? ` tone-${tone}` : ""}`, "data-testid": id, "data-value": value ?? "" },
    h("h3", { class: "card-label" }, label),
    h("p", { class: "card-value" }, text),
    note ? h("p", { class: "card-note" }, note) : null,
  );
}

export function panel(title, testid, ...children) {
  return h("section", { class: "panel", "data-testid": testid }, h("h2", {}, title), ...children);
}

export function showError(main, err) {
  const forbidden = err instanceof ApiError && err.status === 403;
  mount(
    main,
    h(
      "p",
      { class: "error", role: "alert", "data-testid": forbidden ? "forbidden" : "error" },
      forbidden ? t("error.forbidden") : t("error.generic", { m: err.message }),
    ),
  );
}

/**
 * A device as people call it, from its kind in the institutions file: "Onduleur 2", "Compteur réseau",
 * "Chauffe-eau solaire 1"; the raw id only for a device the file does not list.
 */
export function deviceName(institution, id) {
  const d = institution?.devices?.find((x) => x.id === id);
  if (!d) return id;
  const many = institution.devices.filter((x) => x.kind === d.kind).length > 1;
  return t(`device.${d.kind}`, { n: many ? d.n : "" }).trim();
}

/** The institution's name in the page's language. */
export function nameOf(institution, lang) {
  return institution.name[lang] ?? institution.name.fr;
}

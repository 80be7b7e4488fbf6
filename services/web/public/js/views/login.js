/** The login form. A refused login says why (wrong password, or wait N seconds), in the page's language. */
import { ApiError, api } from "../api.js";
import { h, mount } from "../dom.js";
import { t } from "../i18n.js";

export function loginView(main, { onLogin }) {
  const message = h("p", { class: "error", role: "alert", "data-testid": "login-error", hidden: true });
  const id = h("input", {
    name: "id",
    autocomplete: "username",
    required: true,
    autocapitalize: "none",
    spellcheck: "false",
  });
  const password = h("input", {
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const submit = h("button", { type: "submit", class: "primary" }, t("login.submit"));
  const form = h(
    "form",
    { class: "login", "data-testid": "login-form" },
    h("h1", {}, t("login.title")),
    h("p", { class: "muted" }, t("login.intro")),
    h("label", {}, h("span", {}, t("login.id")), id),
    h("label", {}, h("span", {}, t("login.password")), password),
    message,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    message.hidden = true;
    try {
      const { user } = await api.login(id.value, password.value);
      await onLogin(user);
    } catch (err) {
      const tooMany = err instanceof ApiError && err.status === 429;
      message.textContent = tooMany ? t("login.tooMany", { s: err.retryAfter }) : t("login.failed");
      message.hidden = false;
      password.value = "";
    } finally {
      submit.disabled = false;
    }
  });
  mount(main, form);
  id.focus();
}

/**
 * The page: who is logged in, the navigation, the language switch, and which view shows (from the
 * address's #fragment, so the back button and bookmarks work without any server-side routing).
 */
import { api, whenLoggedOut } from "./api.js";
import { h, mount } from "./dom.js";
import { language, locale, savedLanguage, setLanguage, t } from "./i18n.js";
import { alertsView } from "./views/alerts.js";
import { showError } from "./views/common.js";
import { institutionView } from "./views/institution.js";
import { loginView } from "./views/login.js";
import { programmeView } from "./views/programme.js";
import { reportsView } from "./views/reports.js";

const state = { me: null, redraw: null, updatedAt: null, refreshes: 0 };

/** Views whose figures move: they fetch again on their own, every 30 s. */
const LIVE_VIEWS = new Set(["programme", "institution", "alerts"]);
const REFRESH_MS = 30_000;
const main = document.getElementById("main");
const nav = document.querySelector(".nav");
const who = document.querySelector(".who");

function route() {
  const [, page = "", id = ""] = location.hash.split("/");
  return { page, id: decodeURIComponent(id) };
}

function home(me) {
  return me.can.programme ? "#/programme" : `#/institution/${me.institutions[0]?.id ?? ""}`;
}

function renderChrome() {
  const me = state.me;
  nav.hidden = !me;
  who.hidden = !me;
  if (!me) return;
  const { page } = route();
  const link = (href, key, name) =>
    h(
      "a",
      { href, "data-testid": `nav-${name}`, "aria-current": page === name ? "page" : undefined },
      t(key),
    );
  mount(
    nav,
    me.can.programme ? link("#/programme", "nav.programme", "programme") : null,
    link(
      `#/institution/${route().page === "institution" ? route().id : (me.institutions[0]?.id ?? "")}`,
      "nav.institution",
      "institution",
    ),
    link("#/alerts", "nav.alerts", "alerts"),
    link("#/reports", "nav.reports", "reports"),
  );
  mount(
    who,
    // dir=auto: a Latin name in the Arabic page keeps its own direction (and its ellipsis at its end).
    h("span", { class: "who-name", "data-testid": "who-name", dir: "auto" }, me.name),
    h("button", { type: "button", class: "link", "data-testid": "logout", onclick: logout }, t("logout")),
  );
}

async function logout() {
  await api.logout().catch(() => {});
  state.me = null;
  location.hash = "";
  await render();
}

// Renders overlap when the hash changes during a slow fetch; only the latest one may say it is done,
// so a test (or a screen reader's live region) never sees an older view announced as the new one.
let renderSeq = 0;

/**
 * Draws the view of the address. `quiet`: the 30-second refresh of the same view: the old figures stay
 * until the new ones arrive (an error keeps them, marked as not updated), and the scroll position is
 * kept; the institution and the view are in the address, so they stay too.
 */
async function render({ quiet = false } = {}) {
  const mine = ++renderSeq;
  if (!quiet) delete main.dataset.ready;
  const scroll = { x: window.scrollX, y: window.scrollY };
  const redraw = state.redraw;
  state.redraw = null;
  renderChrome();
  if (!state.me) {
    loginView(main, { onLogin });
    return;
  }
  // `current` tells a view whose data arrived after the user moved on not to draw over the new view.
  const current = () => mine === renderSeq;
  const ctx = {
    me: state.me,
    current,
    onResize: (fn) => {
      if (current()) state.redraw = fn;
    },
  };
  const r = route();
  let fresh = true;
  try {
    if (r.page === "programme" && state.me.can.programme) await programmeView(main, ctx);
    else if (r.page === "institution" && r.id) await institutionView(main, ctx, r.id);
    else if (r.page === "alerts") await alertsView(main, ctx);
    else if (r.page === "reports") await reportsView(main, ctx);
    else location.replace(home(state.me));
  } catch (err) {
    fresh = false;
    if (quiet && current()) state.redraw = redraw;
    else if (state.me && current()) showError(main, err);
  }
  if (mine !== renderSeq) return;
  if (LIVE_VIEWS.has(r.page) && fresh) state.updatedAt = Date.now();
  if (!LIVE_VIEWS.has(r.page)) state.updatedAt = null;
  showUpdated();
  if (quiet) {
    window.scrollTo(scroll.x, scroll.y);
    main.dataset.refreshes = String(++state.refreshes);
  }
  main.dataset.id = r.id ?? "";
  main.dataset.ready = `${r.page}:${language()}`;
}

/** "Mis à jour il y a 12 s" in the view's head, counted every second. */
function showUpdated() {
  const head = main.querySelector(".page-head");
  let el = main.querySelector("[data-testid=updated]");
  if (state.updatedAt === null || !head) {
    el?.remove();
    return;
  }
  if (!el) {
    el = h("p", { class: "updated muted", "data-testid": "updated" });
    head.append(el);
  }
  const seconds = Math.max(0, Math.round((Date.now() - state.updatedAt) / 1000));
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: "auto" });
  const ago = seconds < 60 ? rtf.format(-seconds, "second") : rtf.format(-Math.floor(seconds / 60), "minute");
  el.textContent = t("live.updated", { ago });
  el.dataset.seconds = String(seconds);
}

/** Whether the user is typing in the view (an acknowledgement's comment): a refresh would lose it. */
function typing() {
  const active = document.activeElement;
  if (active && main.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName)) return true;
  return [...main.querySelectorAll("input, textarea")].some((i) => i.value !== "");
}

function refresh() {
  if (!state.me || document.hidden || !main.dataset.ready || typing()) return;
  if (LIVE_VIEWS.has(route().page)) void render({ quiet: true });
}

async function onLogin(me) {
  state.me = me;
  setLanguage(savedLanguage() ?? me.language);
  if (!location.hash || location.hash === "#/") location.hash = home(me);
  else await render();
}

function debounce(fn, ms) {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

async function start() {
  whenLoggedOut(() => {
    state.me = null;
    void render();
  });
  for (const b of document.querySelectorAll("[data-lang]")) {
    b.addEventListener("click", () => {
      setLanguage(b.dataset.lang, true);
      void render();
    });
  }
  window.addEventListener("hashchange", () => void render());
  setInterval(refresh, REFRESH_MS);
  setInterval(showUpdated, 1000);
  // Back to a tab left for a while: fresh figures at once rather than at the next tick.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && state.updatedAt !== null && Date.now() - state.updatedAt > REFRESH_MS) refresh();
  });
  window.addEventListener(
    "resize",
    debounce(() => state.redraw?.(), 150),
  );
  setLanguage(savedLanguage() ?? (navigator.language ?? "fr").slice(0, 2));
  state.me = await api.me().catch(() => null);
  if (state.me) setLanguage(savedLanguage() ?? state.me.language);
  await render();
}

void start();

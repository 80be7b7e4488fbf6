/**
 * The gateway's own page on the institution's network (issue 13, "weeks alone"): when the link is down
 * for days, the staff still see today's PV and its savings estimate, the hot water, which devices answer,
 * the local alerts raised and how much waits to be sent, in French, Arabic (right to left) or English. Plain node:http: one page and one JSON document, no framework to
 * load on a 512 MB box. Read-only; it shows nothing a person on the LAN could not read on the devices.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { DeliveryStatus } from "./deliver.js";
import type { HotWaterView } from "./hot-water.js";
import type { PvToday } from "./today-pv.js";

export type Lang = "fr" | "ar" | "en";
const LANGS: readonly Lang[] = ["fr", "ar", "en"];

export interface LocalSnapshot {
  institution: string;
  gateway_id: string;
  pv: PvToday;
  /** Today's PV × local_page.price_mad_per_kwh: an estimate of the grid bill avoided today, MAD. */
  savings_mad?: number;
  price_mad_per_kwh?: number;
  hot_water: HotWaterView[];
  devices: { id: string; online: boolean }[];
  /** Local alerts raised now (local_alerts), in the alerts' language. */
  alerts: { key: string; device: string; summary: string; since: number }[];
  queue_points: number;
  /** When the oldest reading still waiting was queued (epoch ms). */
  oldest_queued_at?: number;
  alert_delivery?: DeliveryStatus[];
  /** When the uplink last delivered (epoch ms), if ever. */
  last_delivery_at?: number;
  now: number;
}

export interface LocalPage {
  url: string;
  close(): Promise<void>;
}

const TEXT: Record<Lang, Record<string, string>> = {
  fr: {
    title: "Passerelle solaire",
    pv: "Production PV aujourd'hui",
    power: "Puissance PV maintenant",
    devices: "Appareils en ligne",
    queue: "Mesures en attente d'envoi",
    last: "Dernier envoi au serveur",
    never: "jamais",
    online: "en ligne",
    offline: "HORS LIGNE",
    savings: "Économie estimée aujourd'hui",
    noPrice: "indiquez local_page.price_mad_per_kwh",
    water: "Eau chaude (haut du ballon)",
    collector: "capteur",
    noWater: "aucun chauffe-eau lu",
    alerts: "Alertes en cours",
    noAlerts: "aucune",
    oldest: "Plus ancienne mesure en attente",
  },
  ar: {
    title: "البوابة الشمسية",
    pv: "الإنتاج الكهروضوئي اليوم",
    power: "القدرة الكهروضوئية الآن",
    devices: "الأجهزة المتصلة",
    queue: "قراءات تنتظر الإرسال",
    last: "آخر إرسال إلى الخادم",
    never: "أبداً",
    online: "متصل",
    offline: "غير متصل",
    savings: "التوفير المقدّر اليوم",
    noPrice: "حدّد local_page.price_mad_per_kwh",
    water: "الماء الساخن (أعلى الخزان)",
    collector: "اللاقط",
    noWater: "لا يوجد سخان مقروء",
    alerts: "التنبيهات الجارية",
    noAlerts: "لا شيء",
    oldest: "أقدم قراءة تنتظر",
  },
  en: {
    title: "Solar gateway",
    pv: "PV production today",
    power: "PV power now",
    devices: "Devices online",
    queue: "Readings waiting to be sent",
    last: "Last delivery to the server",
    never: "never",
    online: "online",
    offline: "OFFLINE",
    savings: "Estimated savings today",
    noPrice: "set local_page.price_mad_per_kwh",
    water: "Hot water (tank top)",
    collector: "collector",
    noWater: "no water heater read",
    alerts: "Active alerts",
    noAlerts: "none",
    oldest: "Oldest reading waiting",
  },
};

/** ?lang=ar first, then the browser's Accept-Language, then French (the staff's working language). */
export function pickLang(req: Pick<IncomingMessage, "url" | "headers">): Lang {
  const asked = new URL(req.url ?? "/", "http://x").searchParams.get("lang");
  if (asked && (LANGS as string[]).includes(asked)) return asked as Lang;
  const accept = String(req.headers["accept-language"] ?? "");
  for (const part of accept.split(",")) {
    const code = part.trim().slice(0, 2).toLowerCase();
    if ((LANGS as string[]).includes(code)) return code as Lang;
  }
  return "fr";
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

export function renderPage(s: LocalSnapshot, lang: Lang): string {
  const t = TEXT[lang] as Record<string, string>;
  const number = new Intl.NumberFormat(lang === "ar" ? "ar-MA" : `${lang}-MA`, { maximumFractionDigits: 1 });
  const online = s.devices.filter((d) => d.online).length;
  const instant = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  const last = s.last_delivery_at === undefined ? t.never : instant(s.last_delivery_at);
  const rows = s.devices
    .map((d) => `<li>${escapeHtml(d.id)}: ${d.online ? t.online : `<strong>${t.offline}</strong>`}</li>`)
    .join("");
  const savings =
    s.savings_mad === undefined ? `<small>${t.noPrice}</small>` : `${number.format(s.savings_mad)} MAD`;
  const water =
    s.hot_water.length === 0
      ? t.noWater
      : s.hot_water
          .map(
            (w) =>
              `${escapeHtml(w.device)}: ${w.tank_top_c === undefined ? "?" : number.format(w.tank_top_c)} °C` +
              (w.collector_c === undefined ? "" : ` (${t.collector} ${number.format(w.collector_c)} °C)`),
          )
          .join("<br>");
  const alerts =
    s.alerts.length === 0
      ? t.noAlerts
      : `<ul>${s.alerts.map((a) => `<li><strong>${escapeHtml(a.summary)}</strong></li>`).join("")}</ul>`;
  return `<!doctype html>
<html lang="${lang}" dir="${lang === "ar" ? "rtl" : "ltr"}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="refresh" content="30">
<title>${t.title}: ${escapeHtml(s.institution)}</title></head><body>
<h1>${t.title}: ${escapeHtml(s.institution)}</h1>
<dl>
<dt>${t.pv}</dt><dd id="pv-today">${number.format(s.pv.energy_wh / 1000)} kWh</dd>
<dt>${t.savings}</dt><dd id="savings">${savings}</dd>
<dt>${t.power}</dt><dd id="pv-power">${number.format(s.pv.power_w)} W</dd>
<dt>${t.water}</dt><dd id="hot-water">${water}</dd>
<dt>${t.devices}</dt><dd id="devices-online">${online} / ${s.devices.length}</dd>
<dt>${t.alerts}</dt><dd id="alerts">${alerts}</dd>
<dt>${t.queue}</dt><dd id="queue">${s.queue_points}</dd>
${s.oldest_queued_at === undefined ? "" : `<dt>${t.oldest}</dt><dd id="oldest-queued">${instant(s.oldest_queued_at)}</dd>\n`}<dt>${t.last}</dt><dd id="last-delivery">${last}</dd>
</dl><ul>${rows}</ul>
<p><a href="?lang=fr">Français</a> · <a href="?lang=ar">العربية</a> · <a href="?lang=en">English</a></p>
</body></html>
`;
}

/** Serves the page on host:port (port 0: a free one) until close(). */
export async function startLocalPage(
  where: { host: string; port: number },
  snapshot: () => LocalSnapshot,
): Promise<LocalPage> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/status.json") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(snapshot()));
      return;
    }
    if (path !== "/") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
      return;
    }
    const lang = pickLang(req);
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "content-language": lang,
      "cache-control": "no-store",
      "content-security-policy": "default-src 'none'",
    });
    res.end(renderPage(snapshot(), lang));
  });
  // A slow or idle client must not hold a socket on a small box.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.maxConnections = 32;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(where.port, where.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${where.host.includes(":") ? `[${where.host}]` : where.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

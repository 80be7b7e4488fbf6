/**
 * Fleet health, for technicians: which devices are silent or offline, what the inverters report, and
 * whether the gateways' outboxes are backing up or dropping points. Reads `gateway_health` (one series per
 * gateway, device = gateway id) and `device_health` (one per polled device), both sent by the gateways.
 *
 * Over a range longer than a day, the gateway panels read `gateway_health` raw for the range's last 24
 * hours only and the hourly rollups (`rp_1h`, made by `jisr influx setup`) before that: the same query
 * for every range, so the default 24 h is exactly what it was, and a week or a month costs the hourly
 * rollups plus one day of reports instead of a raw report a minute per gateway (issue 12). The last day
 * stays raw because the rollups lag by up to an hour (a continuous query runs on each hour's end).
 */

import { type Lang, type Tr, translator } from "./i18n.js";
import { BY_DEVICE, BY_INTERVAL_DEVICE, DEVICE_ALIAS, where } from "./influxql.js";
import { ROLLUP_RP } from "./institution.js";
import { customVariable, dashboard, institutionVariable } from "./layout.js";
import type { Dashboard, ValueMap } from "./model.js";
import { mergeAndName, stat, stateTimeline, table, timeseries } from "./panels.js";

/**
 * Where the raw reports end and the hourly rollups take over: the range's last 24 hours (`${__to}` is
 * the range's end in epoch ms) are raw, everything before comes from `rp_1h`. A range of a day or less
 * never reaches the rollups.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${__to}, braced so "ms" is not read as part of its name
const RANGE_END = "${__to}ms";
const RECENT = `time >= ${RANGE_END} - 24h`;
const OLDER = `time < ${RANGE_END} - 24h`;

/**
 * `gateway_health` as two sources, each giving "v" per gateway (and per interval with
 * BY_INTERVAL_DEVICE): the raw reports of the last 24 hours through `raw`, the rollups before through
 * `rollup` (a rollup field: `last` keeps the raw name, `max` adds `_max`). InfluxDB merges the series of
 * both by their tags, so the level reading them sees one series per gateway.
 */
function healthSources(raw: string, rollup: string, groupBy: string): string {
  const fill = groupBy === BY_INTERVAL_DEVICE ? " fill(none)" : "";
  return (
    `(SELECT ${raw} AS "v" FROM "gateway_health" ${where(RECENT)} ${groupBy}${fill}), ` +
    `(SELECT ${rollup} AS "v" FROM "${ROLLUP_RP}"."gateway_health" ${where(OLDER)} ${groupBy}${fill})`
  );
}

/** The latest report's value of each gateway (the later of the raw and the rollup source). */
function latestPerGateway(field: string, as = "v"): string {
  return `SELECT last("v") AS "${as}" FROM ${healthSources(`last("${field}")`, `last("${field}")`, BY_DEVICE)} ${BY_DEVICE}`;
}

/** Each gateway's worst value per interval. */
function maxPerInterval(field: string): string {
  return (
    `SELECT max("v") FROM ${healthSources(`max("${field}")`, `max("${field}_max")`, BY_INTERVAL_DEVICE)} ` +
    `WHERE $timeFilter ${BY_INTERVAL_DEVICE} fill(none)`
  );
}

/** Points dropped per gateway and interval: increases of the counter's maxima (a restart's fall is not). */
function dropsPerInterval(as?: string): string {
  const sources = healthSources(
    'max("dropped_points_total")',
    'max("dropped_points_total_max")',
    BY_INTERVAL_DEVICE,
  );
  return (
    `SELECT non_negative_difference(max("v"))${as ? ` AS "${as}"` : ""} FROM ${sources} ` +
    `WHERE $timeFilter ${BY_INTERVAL_DEVICE}`
  );
}

/** Per gateway in a subquery, then combined over the gateways shown. */
function overGateways(outer: "sum" | "max", perGateway: string): string {
  return `SELECT ${outer}("v") FROM (${perGateway})`;
}

const ZERO_IS_GOOD = [
  { value: null, color: "green" },
  { value: 1, color: "red" },
];

type T = (text: Tr) => string;

/**
 * The smallest time bucket of the panels grouped by `$__interval`. Over Grafana's 24 h, a 1-minute
 * interval returns 1 440 rows per device: for 40 institutions over a second per query, nearly all of it
 * spent encoding rows nobody can tell apart on a chart; 15 minutes keeps every query well under 300 ms
 * (bench/dashboards.ts) and still shows a queue building up or an inverter tripping within the hour.
 */
const MIN_INTERVAL = "15m";

/** SunSpec inverter states (model 101-103 `St`), as the gateway writes them. */
function inverterStates(t: T): ValueMap {
  const state = (text: Tr, color: string, index: number) => ({ text: t(text), color, index });
  return {
    type: "value",
    options: {
      MPPT: state({ fr: "Production (MPPT)", ar: "إنتاج (MPPT)", en: "Producing (MPPT)" }, "green", 0),
      THROTTLED: state({ fr: "Bridé", ar: "مقيّد", en: "Throttled" }, "yellow", 1),
      STARTING: state({ fr: "Démarrage", ar: "بدء التشغيل", en: "Starting" }, "blue", 2),
      SLEEPING: state({ fr: "Veille (nuit)", ar: "سكون (ليلًا)", en: "Sleeping (night)" }, "blue", 3),
      STANDBY: state({ fr: "Attente", ar: "انتظار", en: "Standby" }, "blue", 4),
      SHUTTING_DOWN: state({ fr: "Arrêt en cours", ar: "قيد الإيقاف", en: "Shutting down" }, "orange", 5),
      OFF: state({ fr: "Arrêté", ar: "متوقف", en: "Off" }, "text", 6),
      FAULT: state({ fr: "Défaut", ar: "عطل", en: "Fault" }, "red", 7),
    },
  };
}

function counters(t: T) {
  const size = { w: 6, h: 5 };
  return [
    stat({
      title: t({ fr: "Appareils hors ligne", ar: "أجهزة غير متصلة", en: "Devices offline" }),
      description: t({
        fr: "Somme, sur les passerelles, du dernier nombre d'appareils qui ne répondent pas.",
        ar: "مجموع آخر عدد من الأجهزة التي لا تستجيب، على كل البوابات.",
        en: "Sum over the gateways of the latest number of devices that do not answer.",
      }),
      unit: "none",
      decimals: 0,
      thresholds: ZERO_IS_GOOD,
      ...size,
      queries: [{ query: overGateways("sum", latestPerGateway("devices_offline")) }],
    }),
    stat({
      title: t({ fr: "Points en file d'attente", ar: "نقاط في قائمة الانتظار", en: "Points queued" }),
      description: t({
        fr: "Points gardés sur disque par les passerelles en attendant l'envoi (dernier relevé, total).",
        ar: "النقاط المحفوظة على القرص لدى البوابات في انتظار الإرسال (آخر قياس، المجموع).",
        en: "Points kept on disk by the gateways until they are sent (latest report, total).",
      }),
      unit: "none",
      decimals: 0,
      ...size,
      queries: [{ query: overGateways("sum", latestPerGateway("queue_points")) }],
    }),
    stat({
      title: t({ fr: "Plus ancien point en file", ar: "أقدم نقطة في الانتظار", en: "Oldest queued point" }),
      description: t({
        fr: "Âge du plus ancien point non envoyé, sur toutes les passerelles (dernier relevé).",
        ar: "عمر أقدم نقطة لم تُرسل بعد، على كل البوابات (آخر قياس).",
        en: "Age of the oldest point not yet sent, over all gateways (latest report).",
      }),
      unit: "s",
      decimals: 0,
      thresholds: [
        { value: null, color: "green" },
        { value: 300, color: "orange" },
        { value: 3600, color: "red" },
      ],
      ...size,
      queries: [{ query: overGateways("max", latestPerGateway("oldest_queued_age_s")) }],
    }),
    stat({
      title: t({ fr: "Points perdus", ar: "نقاط ضائعة", en: "Points dropped" }),
      description: t({
        fr: "Points jetés par les passerelles (file pleine) sur la période : hausses du compteur, une remise à zéro au redémarrage n'est pas comptée.",
        ar: "النقاط التي تخلصت منها البوابات (قائمة ممتلئة) خلال الفترة: زيادات العداد، ولا تُحتسب إعادة التصفير عند إعادة التشغيل.",
        en: "Points discarded by the gateways (queue full) over the period: increases of the counter; a reset at restart is not counted.",
      }),
      interval: MIN_INTERVAL,
      unit: "none",
      decimals: 0,
      thresholds: ZERO_IS_GOOD,
      ...size,
      queries: [{ query: overGateways("sum", dropsPerInterval("v")) }],
    }),
  ];
}

function silentDevices(t: T) {
  const latest =
    `SELECT last("online") AS "en_ligne", last("last_success_age_s") AS "silence_s", last("errors_total") AS "erreurs", ` +
    `last("last_error") AS "derniere_erreur" FROM "device_health" ${where()} ${BY_DEVICE}`;
  return table({
    title: t({
      fr: "Appareils silencieux ou hors ligne",
      ar: "أجهزة صامتة أو غير متصلة",
      en: "Silent or offline devices",
    }),
    description: t({
      fr: "Appareils sans lecture réussie depuis plus de $silence_minutes minutes, ou hors ligne, selon le dernier rapport de leur passerelle.",
      ar: "أجهزة بلا قراءة ناجحة منذ أكثر من $silence_minutes دقيقة، أو غير متصلة، حسب آخر تقرير لبوابتها.",
      en: "Devices without a successful reading for more than $silence_minutes minutes, or offline, according to their gateway's latest report.",
    }),
    unit: "none",
    decimals: 0,
    w: 24,
    h: 8,
    queries: [
      {
        query:
          `SELECT "en_ligne", "silence_s", "erreurs", "derniere_erreur" FROM (${latest}) ` +
          `WHERE "silence_s" > $silence_minutes * 60 OR "en_ligne" = false ${BY_DEVICE}`,
      },
    ],
    transformations: mergeAndName({
      institution: t({ fr: "Établissement", ar: "المؤسسة", en: "Institution" }),
      device: t({ fr: "Appareil", ar: "الجهاز", en: "Device" }),
      en_ligne: t({ fr: "En ligne", ar: "متصل", en: "Online" }),
      silence_s: t({
        fr: "Sans lecture réussie depuis (s)",
        ar: "بلا قراءة ناجحة منذ (ث)",
        en: "No successful reading for (s)",
      }),
      erreurs: t({ fr: "Erreurs (total)", ar: "الأخطاء (المجموع)", en: "Errors (total)" }),
      derniere_erreur: t({ fr: "Dernière erreur", ar: "آخر خطأ", en: "Last error" }),
    }),
  });
}

function gatewaysAndInverters(t: T) {
  return [
    table({
      title: t({
        fr: "Passerelles : dernier rapport",
        ar: "البوابات: آخر تقرير",
        en: "Gateways: latest report",
      }),
      description: t({
        fr: "Heure du dernier rapport de santé de chaque passerelle : au-delà de quelques minutes, la passerelle est muette (coupure, liaison).",
        ar: "وقت آخر تقرير صحة لكل بوابة: بعد بضع دقائق تكون البوابة صامتة (انقطاع، اتصال).",
        en: "Time of each gateway's latest health report: beyond a few minutes the gateway is silent (power cut, link).",
      }),
      unit: "none",
      decimals: 0,
      w: 12,
      h: 8,
      queries: [{ query: latestPerGateway("uptime_s", "uptime_s") }],
      transformations: mergeAndName(
        {
          Time: t({ fr: "Dernier rapport", ar: "آخر تقرير", en: "Latest report" }),
          institution: t({ fr: "Établissement", ar: "المؤسسة", en: "Institution" }),
          device: t({ fr: "Passerelle", ar: "البوابة", en: "Gateway" }),
          uptime_s: t({ fr: "En marche depuis (s)", ar: "قيد التشغيل منذ (ث)", en: "Up for (s)" }),
        },
        [],
      ),
    }),
    stateTimeline({
      title: t({ fr: "État des onduleurs", ar: "حالة المموجات", en: "Inverter states" }),
      description: t({
        fr: "État SunSpec de chaque onduleur (dernier état de chaque intervalle).",
        ar: "حالة SunSpec لكل مموج (آخر حالة في كل فترة).",
        en: "SunSpec state of each inverter (the last state of each interval).",
      }),
      interval: MIN_INTERVAL,
      unit: "none",
      mappings: [inverterStates(t)],
      w: 12,
      h: 8,
      queries: [
        {
          query: `SELECT last("state") FROM "pv_inverter" ${where()} ${BY_INTERVAL_DEVICE} fill(none)`,
          alias: DEVICE_ALIAS,
        },
      ],
    }),
  ];
}

function eventsAndDrops(t: T) {
  return [
    table({
      title: t({ fr: "Événements des onduleurs", ar: "أحداث المموجات", en: "Inverter events" }),
      description: t({
        fr: "Intervalles où un onduleur signalait des événements (défaut d'isolement, surchauffe, ...).",
        ar: "الفترات التي أبلغ فيها مموج عن أحداث (عطل في العزل، ارتفاع الحرارة، ...).",
        en: "Intervals in which an inverter reported events (insulation fault, overheating, ...).",
      }),
      interval: MIN_INTERVAL,
      unit: "none",
      w: 12,
      h: 8,
      queries: [
        {
          query: `SELECT last("events") AS "evenements" FROM "pv_inverter" ${where(`"events" != ''`)} ${BY_INTERVAL_DEVICE} fill(none)`,
        },
      ],
      transformations: mergeAndName(
        {
          Time: t({ fr: "Intervalle", ar: "الفترة", en: "Interval" }),
          institution: t({ fr: "Établissement", ar: "المؤسسة", en: "Institution" }),
          device: t({ fr: "Onduleur", ar: "المموج", en: "Inverter" }),
          evenements: t({ fr: "Événements", ar: "الأحداث", en: "Events" }),
        },
        [],
      ),
    }),
    timeseries(
      {
        title: t({
          fr: "Points perdus par passerelle",
          ar: "النقاط الضائعة حسب البوابة",
          en: "Points dropped per gateway",
        }),
        description: t({
          fr: "Points jetés par intervalle (hausse du compteur de chaque passerelle).",
          ar: "النقاط التي تم التخلص منها في كل فترة (زيادة عداد كل بوابة).",
          en: "Points discarded per interval (increase of each gateway's counter).",
        }),
        interval: MIN_INTERVAL,
        unit: "none",
        decimals: 0,
        w: 12,
        h: 8,
        queries: [
          {
            query: `${dropsPerInterval()} fill(none)`,
            alias: DEVICE_ALIAS,
          },
        ],
      },
      { bars: true },
    ),
  ];
}

function backlog(t: T) {
  const perGateway = maxPerInterval;
  return [
    timeseries({
      title: t({
        fr: "File d'attente par passerelle",
        ar: "قائمة الانتظار حسب البوابة",
        en: "Queue per gateway",
      }),
      description: t({
        fr: "Points en attente d'envoi : une file qui monte signale une liaison coupée ou trop lente.",
        ar: "النقاط في انتظار الإرسال: قائمة متزايدة تدل على اتصال مقطوع أو بطيء جدًا.",
        en: "Points waiting to be sent: a growing queue means a broken or too slow link.",
      }),
      interval: MIN_INTERVAL,
      unit: "none",
      decimals: 0,
      w: 12,
      h: 8,
      queries: [{ query: perGateway("queue_points"), alias: DEVICE_ALIAS }],
    }),
    timeseries({
      title: t({
        fr: "Âge du plus ancien point en file",
        ar: "عمر أقدم نقطة في الانتظار",
        en: "Age of the oldest queued point",
      }),
      description: t({
        fr: "Retard des données : au-delà de la taille de la file, les plus anciens points sont jetés.",
        ar: "تأخر البيانات: عند تجاوز حجم القائمة يتم التخلص من أقدم النقاط.",
        en: "How late the data is: beyond the queue's size, the oldest points are discarded.",
      }),
      interval: MIN_INTERVAL,
      unit: "s",
      decimals: 0,
      w: 12,
      h: 8,
      queries: [{ query: perGateway("oldest_queued_age_s"), alias: DEVICE_ALIAS }],
    }),
  ];
}

export function fleetHealthDashboard(lang: Lang = "fr"): Dashboard {
  const t = translator(lang);
  return dashboard({
    uid: "jisr-fleet-health",
    lang,
    title: t({ fr: "Jisr — Santé du parc", ar: "جسر — حالة الأجهزة", en: "Jisr — Fleet health" }),
    description: t({
      fr: "Pour les techniciens : appareils silencieux ou hors ligne, états et événements des onduleurs, file d'attente et pertes des passerelles.",
      ar: "للتقنيين: الأجهزة الصامتة أو غير المتصلة، حالات المموجات وأحداثها، قوائم انتظار البوابات وخسائرها.",
      en: "For technicians: silent or offline devices, inverter states and events, gateways' queues and drops.",
    }),
    time: { from: "now-24h", to: "now" },
    refresh: "1m",
    variables: [
      institutionVariable("many", lang),
      customVariable(
        "silence_minutes",
        t({ fr: "Silence (minutes)", ar: "الصمت (دقائق)", en: "Silence (minutes)" }),
        t({
          fr: "Minutes sans lecture réussie au-delà desquelles un appareil est signalé silencieux.",
          ar: "عدد الدقائق بلا قراءة ناجحة التي يُعتبر بعدها الجهاز صامتًا.",
          en: "Minutes without a successful reading after which a device is reported silent.",
        }),
        ["5", "15", "30", "60", "180"],
        "15",
      ),
    ],
    rows: [counters(t), [silentDevices(t)], gatewaysAndInverters(t), eventsAndDrops(t), backlog(t)],
  });
}

/**
 * Institution view, for facility managers: power and energy today, this month's energy, self-consumption
 * and savings, and whether the tanks deliver hot water at the service temperature. "Today" and "this month"
 * panels override the dashboard's range with Grafana's relative ranges `now/d` and `now/M` (in the
 * dashboard's time zone, Africa/Casablanca), so they still filter on `$timeFilter`.
 */

import { type Lang, madUnit, type Tr, translator } from "./i18n.js";
import {
  AVAILABILITY,
  BY_DEVICE,
  BY_INSTITUTION,
  BY_INTERVAL_DEVICE,
  DEVICE_ALIAS,
  INSTITUTION_ALIAS,
  where,
} from "./influxql.js";
import { dashboard, institutionVariable } from "./layout.js";
import type { Dashboard } from "./model.js";
import { stat, timeseries } from "./panels.js";

/** Service temperature at the tank outlet (DOMAIN.md §3: 45 °C gives 41-43 °C after the mixing valve). */
export const SERVICE_TEMPERATURE_C = 45;

/**
 * Legionella hygiene temperature: the tank must reach 60 °C (for an hour, DOMAIN.md §3.1, the default of
 * the analytics' hygiene check). Drawn as a reference line on the tank temperature panels.
 */
export const HYGIENE_TEMPERATURE_C = 60;

/**
 * The hourly rollups of `jisr influx setup` (services/analytics/src/downsampling): retention policy
 * `rp_1h`, the raw field names for means. Panels that span more than a day read them, not raw minutes.
 */
export const ROLLUP_RP = "rp_1h";

/**
 * Top-of-tank (outlet) temperature in the raw `hot_water` series. The solar-water-heater simulator and the
 * analytics job must write and read the same name.
 */
export const TANK_FIELD = "tank_top_temperature_c";

const TODAY = "now/d";
const THIS_MONTH = "now/M";

type T = (text: Tr) => string;

/** Red below the service temperature, green above it, dark green from the hygiene temperature on. */
const TANK_STEPS = [
  { value: null, color: "red" },
  { value: SERVICE_TEMPERATURE_C, color: "green" },
  { value: HYGIENE_TEMPERATURE_C, color: "dark-green" },
];

const AVAILABILITY_STEPS = [
  { value: null, color: "red" },
  { value: 80, color: "orange" },
  { value: 95, color: "green" },
];

/** Per device in a subquery, then added up per institution. */
function sumOverDevices(inner: string, measurement: string, scale = ""): string {
  return `SELECT sum("v")${scale} FROM (SELECT ${inner} AS "v" FROM "${measurement}" ${where()} ${BY_DEVICE}) ${BY_INSTITUTION}`;
}

/** Power per institution over time: the mean of each device per interval, added up. */
function powerOverTime(measurement: string): string {
  return (
    `SELECT sum("v") FROM (SELECT mean("power_w") AS "v" FROM "${measurement}" ${where()} ${BY_INTERVAL_DEVICE}) ` +
    `WHERE $timeFilter GROUP BY time($__interval), "institution"::tag fill(none)`
  );
}

function headline(t: T, MAD: string) {
  const size = { w: 4, h: 5 };
  return [
    stat({
      title: t({
        fr: "Puissance PV (dernière mesure)",
        ar: "القدرة الكهروضوئية (آخر قياس)",
        en: "PV power (latest)",
      }),
      description: t({
        fr: "Somme des dernières puissances des onduleurs relevées dans les 15 dernières minutes.",
        ar: "مجموع آخر قدرات المموجات المسجلة خلال آخر 15 دقيقة.",
        en: "Sum of the inverters' latest power readings of the last 15 minutes.",
      }),
      unit: "watt",
      decimals: 0,
      timeFrom: "15m",
      ...size,
      queries: [{ query: sumOverDevices('last("power_w")', "pv_inverter"), alias: INSTITUTION_ALIAS }],
    }),
    stat({
      title: t({
        fr: "Énergie produite aujourd'hui",
        ar: "الطاقة المنتجة اليوم",
        en: "Energy produced today",
      }),
      description: t({
        fr: "Hausse des compteurs des onduleurs depuis minuit. Une remise à zéro d'un compteur dans la journée fausse ce chiffre ; le bilan du jour de l'analyse le corrige.",
        ar: "زيادة عدادات المموجات منذ منتصف الليل. إعادة تصفير عداد خلال اليوم تُفسد هذا الرقم؛ تصححه الحصيلة اليومية للتحليل.",
        en: "Increase of the inverters' counters since midnight. A counter reset during the day distorts it; the analytics' daily result corrects it.",
      }),
      unit: "kwatth",
      decimals: 1,
      timeFrom: TODAY,
      ...size,
      queries: [
        { query: sumOverDevices('spread("energy_wh")', "pv_inverter", " / 1000"), alias: INSTITUTION_ALIAS },
      ],
    }),
    stat({
      title: t({
        fr: "Énergie produite ce mois",
        ar: "الطاقة المنتجة هذا الشهر",
        en: "Energy produced this month",
      }),
      description: t({
        fr: "Somme des bilans journaliers du mois calculés par l'analyse.",
        ar: "مجموع الحصائل اليومية للشهر التي يحسبها التحليل.",
        en: "Sum of the month's daily results computed by the analytics.",
      }),
      unit: "kwatth",
      decimals: 0,
      timeFrom: THIS_MONTH,
      ...size,
      queries: [
        {
          query: `SELECT sum("pv_energy_wh") / 1000 FROM "energy_daily" ${where()} ${BY_INSTITUTION}`,
          alias: INSTITUTION_ALIAS,
        },
      ],
    }),
    stat({
      title: t({
        fr: "Autoconsommation ce mois",
        ar: "الاستهلاك الذاتي هذا الشهر",
        en: "Self-consumption this month",
      }),
      description: t({
        fr: "Part de la production consommée sur place (non injectée au réseau), ce mois.",
        ar: "نسبة الإنتاج المستهلك في عين المكان (غير المحقون في الشبكة) هذا الشهر.",
        en: "Share of the production used on site (not exported to the grid), this month.",
      }),
      unit: "percent",
      decimals: 1,
      timeFrom: THIS_MONTH,
      ...size,
      queries: [
        {
          query: `SELECT sum("self_consumed_wh") / sum("pv_energy_wh") * 100 FROM "energy_daily" ${where()} ${BY_INSTITUTION}`,
          alias: INSTITUTION_ALIAS,
        },
      ],
    }),
    stat({
      title: t({ fr: "Économies ce mois", ar: "الاقتصاد هذا الشهر", en: "Savings this month" }),
      description: t({
        fr: "Électricité : facture sans le solaire − facture avec, depuis le début du mois. Eau chaude : appoint évité.",
        ar: "الكهرباء: الفاتورة دون الطاقة الشمسية − الفاتورة معها منذ بداية الشهر. الماء الساخن: التسخين الإضافي المُتجنَّب.",
        en: "Electricity: bill without solar − bill with solar, since the start of the month. Hot water: backup heating avoided.",
      }),
      unit: MAD,
      decimals: 0,
      timeFrom: THIS_MONTH,
      ...size,
      queries: [
        {
          query: `SELECT sum("savings_mad") FROM "savings_daily" ${where()} ${BY_INSTITUTION}`,
          alias: t({
            fr: "Électricité · $tag_institution",
            ar: "الكهرباء · $tag_institution",
            en: "Electricity · $tag_institution",
          }),
        },
        {
          query: `SELECT sum("savings_mad") FROM "hot_water_daily" ${where()} ${BY_INSTITUTION}`,
          alias: t({
            fr: "Eau chaude · $tag_institution",
            ar: "الماء الساخن · $tag_institution",
            en: "Hot water · $tag_institution",
          }),
        },
      ],
    }),
    stat({
      title: t({
        fr: "Eau chaude disponible ce mois",
        ar: "توفر الماء الساخن هذا الشهر",
        en: "Hot water available this month",
      }),
      description: t({
        fr: `Part des créneaux de puisage où l'eau sortait du ballon à ${SERVICE_TEMPERATURE_C} °C ou plus ce mois : minutes disponibles sur minutes mesurées, minutes sans mesure exclues.`,
        ar: `نسبة دقائق فترات الاستعمال التي خرج فيها الماء من الخزان بحرارة ${SERVICE_TEMPERATURE_C} °C أو أكثر هذا الشهر: الدقائق المتوفرة على الدقائق المقيسة، دون الدقائق بلا قياس.`,
        en: `Share of the draw-off windows when water left the tank at ${SERVICE_TEMPERATURE_C} °C or more this month: available minutes over measured minutes, minutes without data left out.`,
      }),
      unit: "percent",
      decimals: 1,
      thresholds: AVAILABILITY_STEPS,
      timeFrom: THIS_MONTH,
      ...size,
      queries: [
        {
          query: `SELECT ${AVAILABILITY} AS "disponibilite_pct" FROM "hot_water_daily" ${where()} ${BY_INSTITUTION}`,
          alias: INSTITUTION_ALIAS,
        },
      ],
    }),
  ];
}

function powerToday(t: T) {
  return timeseries({
    title: t({ fr: "Puissance aujourd'hui", ar: "القدرة اليوم", en: "Power today" }),
    description: t({
      fr: "Production photovoltaïque (tous onduleurs) et puissance au compteur réseau (signe du compteur : positif = soutirage).",
      ar: "الإنتاج الكهروضوئي (كل المموجات) والقدرة عند عداد الشبكة (إشارة العداد: موجب = سحب من الشبكة).",
      en: "Photovoltaic production (all inverters) and power at the grid meter (meter's sign: positive = import).",
    }),
    unit: "watt",
    decimals: 0,
    timeFrom: TODAY,
    w: 24,
    h: 9,
    queries: [
      {
        query: powerOverTime("pv_inverter"),
        alias: t({
          fr: "Production PV · $tag_institution",
          ar: "الإنتاج الكهروضوئي · $tag_institution",
          en: "PV production · $tag_institution",
        }),
      },
      {
        query: powerOverTime("grid_meter"),
        alias: t({
          fr: "Compteur réseau · $tag_institution",
          ar: "عداد الشبكة · $tag_institution",
          en: "Grid meter · $tag_institution",
        }),
      },
    ],
  });
}

function tanks(t: T) {
  return [
    stat({
      title: t({ fr: "Température des ballons", ar: "حرارة الخزانات", en: "Tank temperatures" }),
      description: t({
        fr: `Dernière température en haut de ballon (dernière heure) ; rouge sous ${SERVICE_TEMPERATURE_C} °C, la température de service, vert foncé à partir de ${HYGIENE_TEMPERATURE_C} °C, la température d'hygiène (légionelles).`,
        ar: `آخر حرارة في أعلى الخزان (آخر ساعة)؛ أحمر تحت ${SERVICE_TEMPERATURE_C} °C، حرارة الخدمة، وأخضر داكن ابتداءً من ${HYGIENE_TEMPERATURE_C} °C، حرارة النظافة (الليجيونيلا).`,
        en: `Latest top-of-tank temperature (last hour); red below ${SERVICE_TEMPERATURE_C} °C, the service temperature, dark green from ${HYGIENE_TEMPERATURE_C} °C, the hygiene (Legionella) temperature.`,
      }),
      unit: "celsius",
      decimals: 1,
      thresholds: TANK_STEPS,
      timeFrom: "1h",
      w: 8,
      h: 8,
      queries: [
        {
          query: `SELECT last("${TANK_FIELD}") FROM "hot_water" ${where()} ${BY_DEVICE}`,
          alias: DEVICE_ALIAS,
        },
      ],
    }),
    timeseries(
      {
        title: t({
          fr: "Température des ballons dans le temps",
          ar: "حرارة الخزانات عبر الزمن",
          en: "Tank temperatures over time",
        }),
        description: t({
          fr: `Moyennes horaires de la température en haut de ballon ; les lignes marquent la température de service (${SERVICE_TEMPERATURE_C} °C) et la température d'hygiène (${HYGIENE_TEMPERATURE_C} °C).`,
          ar: `المعدلات الساعية لحرارة أعلى الخزان؛ يمثل الخطان حرارة الخدمة (${SERVICE_TEMPERATURE_C} °C) وحرارة النظافة (${HYGIENE_TEMPERATURE_C} °C).`,
          en: `Hourly means of the top-of-tank temperature; the lines mark the service temperature (${SERVICE_TEMPERATURE_C} °C) and the hygiene temperature (${HYGIENE_TEMPERATURE_C} °C).`,
        }),
        unit: "celsius",
        decimals: 1,
        thresholds: TANK_STEPS,
        interval: "1h",
        w: 16,
        h: 8,
        queries: [
          {
            // Over days: the hourly rollups (mean of each hour), not the raw minutes.
            query: `SELECT mean("${TANK_FIELD}") FROM "${ROLLUP_RP}"."hot_water" ${where()} ${BY_INTERVAL_DEVICE} fill(null)`,
            alias: DEVICE_ALIAS,
          },
        ],
      },
      { thresholdLine: true },
    ),
  ];
}

function days(t: T) {
  return [
    timeseries(
      {
        title: t({ fr: "Énergie par jour", ar: "الطاقة يوميًا", en: "Energy per day" }),
        description: t({
          fr: "Production et part autoconsommée de chaque jour (bilans de l'analyse).",
          ar: "الإنتاج والجزء المستهلك ذاتيًا لكل يوم (حصائل التحليل).",
          en: "Each day's production and self-consumed part (the analytics' results).",
        }),
        unit: "kwatth",
        decimals: 1,
        w: 12,
        h: 8,
        queries: [
          {
            query: `SELECT "pv_energy_wh" / 1000 AS "production" FROM "energy_daily" ${where()} ${BY_INSTITUTION}`,
            alias: t({
              fr: "Production · $tag_institution",
              ar: "الإنتاج · $tag_institution",
              en: "Production · $tag_institution",
            }),
          },
          {
            query: `SELECT "self_consumed_wh" / 1000 AS "autoconsommee" FROM "energy_daily" ${where()} ${BY_INSTITUTION}`,
            alias: t({
              fr: "Autoconsommée · $tag_institution",
              ar: "المستهلك ذاتيًا · $tag_institution",
              en: "Self-consumed · $tag_institution",
            }),
          },
        ],
      },
      { bars: true },
    ),
    timeseries(
      {
        title: t({
          fr: "Eau chaude disponible par jour",
          ar: "توفر الماء الساخن يوميًا",
          en: "Hot water available per day",
        }),
        description: t({
          fr: "Disponibilité de chaque jour ; un jour sans mesure n'apparaît pas (inconnu, ni bon ni mauvais).",
          ar: "توفر كل يوم؛ اليوم الذي لا قياس فيه لا يظهر (مجهول، لا جيد ولا سيئ).",
          en: "Each day's availability; a day without data does not appear (unknown, neither good nor bad).",
        }),
        unit: "percent",
        decimals: 0,
        min: 0,
        max: 100,
        w: 12,
        h: 8,
        queries: [
          {
            query: `SELECT "availability_pct" FROM "hot_water_daily" ${where()} ${BY_INSTITUTION}`,
            alias: INSTITUTION_ALIAS,
          },
        ],
      },
      { bars: true },
    ),
  ];
}

export function institutionDashboard(lang: Lang = "fr"): Dashboard {
  const t = translator(lang);
  return dashboard({
    uid: "jisr-institution",
    lang,
    title: t({ fr: "Jisr — Établissement", ar: "جسر — المؤسسة", en: "Jisr — Institution" }),
    description: t({
      fr: "Pour les gestionnaires : production du jour, énergie et économies du mois, températures des ballons et disponibilité de l'eau chaude.",
      ar: "للمسيّرين: إنتاج اليوم، طاقة الشهر واقتصاده، حرارة الخزانات وتوفر الماء الساخن.",
      en: "For facility managers: today's production, the month's energy and savings, tank temperatures and hot water availability.",
    }),
    time: { from: "now-7d", to: "now" },
    refresh: "5m",
    variables: [institutionVariable("one", lang)],
    rows: [headline(t, madUnit(lang)), [powerToday(t)], tanks(t), days(t)],
  });
}

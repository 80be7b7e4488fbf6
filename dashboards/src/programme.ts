/**
 * Programme overview, for the ministry: what the sun saved, produced and avoided, and whether residents
 * had hot water, per institution and in total. Reads only the analytics results (docs/analytics-results.md),
 * never raw series, so a year stays fast. The month is chosen with the time picker ("this month" by default).
 */

import { type Lang, madUnit, type Tr, translator } from "./i18n.js";
import { AVAILABILITY, BY_INSTITUTION, INSTITUTION_ALIAS, where } from "./influxql.js";
import { dashboard, institutionVariable } from "./layout.js";
import type { Dashboard } from "./model.js";
import { barchart, gauge, mergeAndName, stat, table, timeseries } from "./panels.js";

type T = (text: Tr) => string;

const AVAILABILITY_STEPS = [
  { value: null, color: "red" },
  { value: 80, color: "orange" },
  { value: 95, color: "green" },
];

/** One KPI per measurement: the analytics job writes one point per institution and local day. */
function kpis(t: T, MAD: string) {
  return [
    stat({
      title: t({ fr: "Économies d'électricité", ar: "الاقتصاد في الكهرباء", en: "Electricity savings" }),
      description: t({
        fr: "Somme des économies journalières (facture sans le solaire − facture avec), établissements choisis, sur la période.",
        ar: "مجموع الاقتصاد اليومي (الفاتورة دون الطاقة الشمسية − الفاتورة معها) للمؤسسات المختارة خلال الفترة.",
        en: "Sum of the daily savings (bill without solar − bill with solar), chosen institutions, over the period.",
      }),
      unit: MAD,
      decimals: 0,
      w: 5,
      h: 5,
      queries: [{ query: `SELECT sum("savings_mad") FROM "savings_daily" ${where()}` }],
    }),
    stat({
      title: t({
        fr: "Économies eau chaude solaire",
        ar: "الاقتصاد بفضل سخان الماء الشمسي",
        en: "Solar hot water savings",
      }),
      description: t({
        fr: "Appoint évité par la chaleur solaire (électricité au tarif, ou butane au prix de la bouteille), sur la période.",
        ar: "التسخين الإضافي الذي وفّرته الحرارة الشمسية (الكهرباء بالتعريفة أو البوتان بثمن القنينة) خلال الفترة.",
        en: "Backup heating avoided by solar heat (electricity at the tariff, or butane at the bottle price), over the period.",
      }),
      unit: MAD,
      decimals: 0,
      w: 5,
      h: 5,
      queries: [{ query: `SELECT sum("savings_mad") FROM "hot_water_daily" ${where()}` }],
    }),
    stat({
      title: t({ fr: "Énergie produite", ar: "الطاقة المنتجة", en: "Energy produced" }),
      description: t({
        fr: "Production photovoltaïque cumulée des établissements choisis, sur la période.",
        ar: "مجموع الإنتاج الكهروضوئي للمؤسسات المختارة خلال الفترة.",
        en: "Photovoltaic production of the chosen institutions, over the period.",
      }),
      unit: "kwatth",
      decimals: 0,
      w: 5,
      h: 5,
      queries: [{ query: `SELECT sum("pv_energy_wh") / 1000 FROM "energy_daily" ${where()}` }],
    }),
    stat({
      title: t({ fr: "Énergie autoconsommée", ar: "الطاقة المستهلكة ذاتيًا", en: "Energy self-consumed" }),
      description: t({
        fr: "Production consommée sur place (production − injection au réseau), sur la période.",
        ar: "الإنتاج المستهلك في عين المكان (الإنتاج − الحقن في الشبكة) خلال الفترة.",
        en: "Production used on site (production − export to the grid), over the period.",
      }),
      unit: "kwatth",
      decimals: 0,
      w: 5,
      h: 5,
      queries: [{ query: `SELECT sum("self_consumed_wh") / 1000 FROM "energy_daily" ${where()}` }],
    }),
    stat({
      title: t({ fr: "CO₂ évité", ar: "ثاني أكسيد الكربون المُتجنَّب", en: "CO₂ avoided" }),
      description: t({
        fr: "Émissions évitées par le photovoltaïque et par l'eau chaude solaire (facteur réseau configuré).",
        ar: "الانبعاثات التي تم تجنبها بفضل الطاقة الكهروضوئية والماء الساخن الشمسي (معامل الشبكة المُعَدّ).",
        en: "Emissions avoided by photovoltaics and solar hot water (configured grid factor).",
      }),
      unit: "masskg",
      decimals: 0,
      w: 4,
      h: 5,
      queries: [
        {
          query: `SELECT sum("co2_avoided_kg") FROM "energy_daily" ${where()}`,
          alias: t({ fr: "Photovoltaïque", ar: "الطاقة الكهروضوئية", en: "Photovoltaics" }),
        },
        {
          query: `SELECT sum("co2_avoided_kg") FROM "hot_water_daily" ${where()}`,
          alias: t({ fr: "Eau chaude", ar: "الماء الساخن", en: "Hot water" }),
        },
      ],
    }),
  ];
}

function byInstitution(t: T, MAD: string) {
  const institution = t({ fr: "Établissement", ar: "المؤسسة", en: "Institution" });
  return [
    gauge({
      title: t({
        fr: "Disponibilité de l'eau chaude",
        ar: "توفر الماء الساخن",
        en: "Hot water availability",
      }),
      description: t({
        fr: "Part des créneaux de puisage (6 h-9 h, 18 h-22 h) où l'eau sortait du ballon à 45 °C ou plus : minutes disponibles sur minutes mesurées de la période, minutes sans mesure exclues.",
        ar: "نسبة دقائق فترات الاستعمال (6-9 صباحًا، 18-22 مساءً) التي خرج فيها الماء من الخزان بحرارة 45 °C أو أكثر: الدقائق المتوفرة على الدقائق المقيسة خلال الفترة، دون الدقائق بلا قياس.",
        en: "Share of the draw-off windows (6-9 am, 6-10 pm) when water left the tank at 45 °C or more: available minutes over measured minutes of the period, minutes without data left out.",
      }),
      unit: "percent",
      decimals: 1,
      min: 0,
      max: 100,
      thresholds: AVAILABILITY_STEPS,
      w: 6,
      h: 8,
      queries: [
        {
          query: `SELECT ${AVAILABILITY} AS "disponibilite_pct" FROM "hot_water_daily" ${where()}`,
        },
      ],
    }),
    barchart(
      {
        title: t({
          fr: "Économies par établissement",
          ar: "الاقتصاد حسب المؤسسة",
          en: "Savings per institution",
        }),
        description: t({
          fr: "Économies d'électricité et d'eau chaude solaire de chaque établissement, sur la période.",
          ar: "الاقتصاد في الكهرباء وبفضل الماء الساخن الشمسي لكل مؤسسة خلال الفترة.",
          en: "Electricity and solar hot water savings of each institution, over the period.",
        }),
        unit: MAD,
        decimals: 0,
        w: 18,
        h: 8,
        queries: [
          {
            query: `SELECT sum("savings_mad") AS "electricite" FROM "savings_daily" ${where()} ${BY_INSTITUTION}`,
          },
          {
            query: `SELECT sum("savings_mad") AS "eau_chaude" FROM "hot_water_daily" ${where()} ${BY_INSTITUTION}`,
          },
        ],
        transformations: mergeAndName({
          institution,
          electricite: t({ fr: "Électricité", ar: "الكهرباء", en: "Electricity" }),
          eau_chaude: t({ fr: "Eau chaude solaire", ar: "الماء الساخن الشمسي", en: "Solar hot water" }),
        }),
      },
      institution,
    ),
  ];
}

function daily(t: T, MAD: string) {
  return [
    timeseries(
      {
        title: t({
          fr: "Économies d'électricité par jour",
          ar: "الاقتصاد في الكهرباء يوميًا",
          en: "Electricity savings per day",
        }),
        description: t({
          fr: "Économie de chaque jour (hausse de l'économie du mois), empilée par établissement.",
          ar: "اقتصاد كل يوم (زيادة اقتصاد الشهر)، مكدّس حسب المؤسسة.",
          en: "Each day's savings (increase of the month's savings), stacked by institution.",
        }),
        unit: MAD,
        decimals: 2,
        w: 12,
        h: 8,
        queries: [
          {
            query: `SELECT "savings_mad" FROM "savings_daily" ${where()} ${BY_INSTITUTION}`,
            alias: INSTITUTION_ALIAS,
          },
        ],
      },
      { bars: true, stacked: true },
    ),
    timeseries(
      {
        title: t({
          fr: "Disponibilité de l'eau chaude par jour",
          ar: "توفر الماء الساخن يوميًا",
          en: "Hot water availability per day",
        }),
        description: t({
          fr: "Disponibilité de chaque jour par établissement ; un jour sans mesure n'apparaît pas.",
          ar: "توفر كل يوم حسب المؤسسة؛ اليوم الذي لا قياس فيه لا يظهر.",
          en: "Each day's availability per institution; a day without data does not appear.",
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

/** The sites table: one row per institution, merged from three measurements on (Time, institution). */
function sites(t: T) {
  const energy =
    `SELECT sum("pv_energy_wh") / 1000 AS "production_kwh", sum("self_consumed_wh") / 1000 AS "autoconsommation_kwh", ` +
    `sum("self_consumed_wh") / sum("pv_energy_wh") * 100 AS "autoconsommation_pct", ` +
    `sum("co2_avoided_kg") AS "co2_kg" FROM "energy_daily" ${where()} ${BY_INSTITUTION}`;
  const hotWater =
    `SELECT ${AVAILABILITY} AS "disponibilite_pct", sum("savings_mad") AS "economies_eau_chaude_mad", ` +
    `min("completeness") AS "completude_min" FROM "hot_water_daily" ${where()} ${BY_INSTITUTION}`;
  return table({
    title: t({ fr: "Établissements", ar: "المؤسسات", en: "Institutions" }),
    description: t({
      fr: "Une ligne par établissement sur la période. Complétude : part minimale des mesures présentes un jour donné (1 = complet).",
      ar: "سطر لكل مؤسسة خلال الفترة. الاكتمال: أدنى نسبة للقياسات الموجودة في يوم واحد (1 = كامل).",
      en: "One row per institution over the period. Completeness: lowest share of readings present on any day (1 = complete).",
    }),
    unit: "none",
    decimals: 1,
    w: 24,
    h: 10,
    queries: [
      {
        query: `SELECT sum("savings_mad") AS "economies_mad" FROM "savings_daily" ${where()} ${BY_INSTITUTION}`,
      },
      { query: energy },
      { query: hotWater },
    ],
    transformations: mergeAndName({
      institution: t({ fr: "Établissement", ar: "المؤسسة", en: "Institution" }),
      economies_mad: t({
        fr: "Économies électricité (MAD)",
        ar: "الاقتصاد في الكهرباء (د.م.)",
        en: "Electricity savings (MAD)",
      }),
      production_kwh: t({ fr: "Production (kWh)", ar: "الإنتاج (kWh)", en: "Production (kWh)" }),
      autoconsommation_kwh: t({
        fr: "Autoconsommée (kWh)",
        ar: "المستهلك ذاتيًا (kWh)",
        en: "Self-consumed (kWh)",
      }),
      autoconsommation_pct: t({
        fr: "Autoconsommation (%)",
        ar: "الاستهلاك الذاتي (%)",
        en: "Self-consumption (%)",
      }),
      co2_kg: t({ fr: "CO₂ évité PV (kg)", ar: "CO₂ المُتجنَّب كهروضوئي (kg)", en: "CO₂ avoided PV (kg)" }),
      disponibilite_pct: t({
        fr: "Eau chaude disponible (%)",
        ar: "توفر الماء الساخن (%)",
        en: "Hot water available (%)",
      }),
      economies_eau_chaude_mad: t({
        fr: "Économies eau chaude (MAD)",
        ar: "الاقتصاد في الماء الساخن (د.م.)",
        en: "Hot water savings (MAD)",
      }),
      completude_min: t({
        fr: "Complétude eau chaude (min.)",
        ar: "اكتمال الماء الساخن (الأدنى)",
        en: "Hot water completeness (min.)",
      }),
    }),
  });
}

export function programmeDashboard(lang: Lang = "fr"): Dashboard {
  const t = translator(lang);
  const MAD = madUnit(lang);
  return dashboard({
    uid: "jisr-programme",
    lang,
    title: t({ fr: "Jisr — Vue programme", ar: "جسر — نظرة على البرنامج", en: "Jisr — Programme overview" }),
    description: t({
      fr: "Pour le ministère : économies, production, CO₂ évité et disponibilité de l'eau chaude, par établissement et au total. Choisir le mois dans le sélecteur de période.",
      ar: "للوزارة: الاقتصاد والإنتاج وثاني أكسيد الكربون المُتجنَّب وتوفر الماء الساخن، حسب المؤسسة وفي المجموع. اختر الشهر من محدد الفترة.",
      en: "For the ministry: savings, production, CO₂ avoided and hot water availability, per institution and in total. Choose the month in the time picker.",
    }),
    time: { from: "now/M", to: "now/M" },
    refresh: "",
    variables: [institutionVariable("many", lang)],
    rows: [kpis(t, MAD), byInstitution(t, MAD), daily(t, MAD), [sites(t)]],
  });
}

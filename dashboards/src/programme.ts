/**
 * Programme overview, for the ministry: what the sun saved, produced and avoided, and whether residents
 * had hot water, per institution and in total. Reads only the analytics results (docs/analytics-results.md),
 * never raw series, so a year stays fast. The month is chosen with the time picker ("this month" by default).
 */

import { AVAILABILITY, BY_INSTITUTION, INSTITUTION_ALIAS, where } from "./influxql.js";
import { dashboard, institutionVariable } from "./layout.js";
import type { Dashboard } from "./model.js";
import { barchart, gauge, mergeAndName, stat, table, timeseries } from "./panels.js";

const MAD = "suffix: MAD";

const AVAILABILITY_STEPS = [
  { value: null, color: "red" },
  { value: 80, color: "orange" },
  { value: 95, color: "green" },
];

/** One KPI per measurement: the analytics job writes one point per institution and local day. */
function kpis() {
  return [
    stat({
      title: "Économies d'électricité",
      description:
        "Somme des économies journalières (facture sans le solaire − facture avec), établissements choisis, sur la période.",
      unit: MAD,
      decimals: 0,
      w: 5,
      h: 5,
      queries: [{ query: `SELECT sum("savings_mad") FROM "savings_daily" ${where()}` }],
    }),
    stat({
      title: "Économies eau chaude solaire",
      description:
        "Appoint évité par la chaleur solaire (électricité au tarif, ou butane au prix de la bouteille), sur la période.",
      unit: MAD,
      decimals: 0,
      w: 5,
      h: 5,
      queries: [{ query: `SELECT sum("savings_mad") FROM "hot_water_daily" ${where()}` }],
    }),
    stat({
      title: "Énergie produite",
      description: "Production photovoltaïque cumulée des établissements choisis, sur la période.",
      unit: "kwatth",
      decimals: 0,
      w: 5,
      h: 5,
      queries: [{ query: `SELECT sum("pv_energy_wh") / 1000 FROM "energy_daily" ${where()}` }],
    }),
    stat({
      title: "Énergie autoconsommée",
      description: "Production consommée sur place (production − injection au réseau), sur la période.",
      unit: "kwatth",
      decimals: 0,
      w: 5,
      h: 5,
      queries: [{ query: `SELECT sum("self_consumed_wh") / 1000 FROM "energy_daily" ${where()}` }],
    }),
    stat({
      title: "CO₂ évité",
      description:
        "Émissions évitées par le photovoltaïque et par l'eau chaude solaire (facteur réseau configuré).",
      unit: "masskg",
      decimals: 0,
      w: 4,
      h: 5,
      queries: [
        { query: `SELECT sum("co2_avoided_kg") FROM "energy_daily" ${where()}`, alias: "Photovoltaïque" },
        { query: `SELECT sum("co2_avoided_kg") FROM "hot_water_daily" ${where()}`, alias: "Eau chaude" },
      ],
    }),
  ];
}

function byInstitution() {
  return [
    gauge({
      title: "Disponibilité de l'eau chaude",
      description:
        "Part des créneaux de puisage (6 h-9 h, 18 h-22 h) où l'eau sortait du ballon à 45 °C ou plus : minutes disponibles sur minutes mesurées de la période, minutes sans mesure exclues.",
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
        title: "Économies par établissement",
        description:
          "Économies d'électricité et d'eau chaude solaire de chaque établissement, sur la période.",
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
          institution: "Établissement",
          electricite: "Électricité",
          eau_chaude: "Eau chaude solaire",
        }),
      },
      "Établissement",
    ),
  ];
}

function daily() {
  return [
    timeseries(
      {
        title: "Économies d'électricité par jour",
        description: "Économie de chaque jour (hausse de l'économie du mois), empilée par établissement.",
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
        title: "Disponibilité de l'eau chaude par jour",
        description: "Disponibilité de chaque jour par établissement ; un jour sans mesure n'apparaît pas.",
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
function sites() {
  const energy =
    `SELECT sum("pv_energy_wh") / 1000 AS "production_kwh", sum("self_consumed_wh") / 1000 AS "autoconsommation_kwh", ` +
    `sum("self_consumed_wh") / sum("pv_energy_wh") * 100 AS "autoconsommation_pct", ` +
    `sum("co2_avoided_kg") AS "co2_kg" FROM "energy_daily" ${where()} ${BY_INSTITUTION}`;
  const hotWater =
    `SELECT ${AVAILABILITY} AS "disponibilite_pct", sum("savings_mad") AS "economies_eau_chaude_mad", ` +
    `min("completeness") AS "completude_min" FROM "hot_water_daily" ${where()} ${BY_INSTITUTION}`;
  return table({
    title: "Établissements",
    description:
      "Une ligne par établissement sur la période. Complétude : part minimale des mesures présentes un jour donné (1 = complet).",
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
      institution: "Établissement",
      economies_mad: "Économies électricité (MAD)",
      production_kwh: "Production (kWh)",
      autoconsommation_kwh: "Autoconsommée (kWh)",
      autoconsommation_pct: "Autoconsommation (%)",
      co2_kg: "CO₂ évité PV (kg)",
      disponibilite_pct: "Eau chaude disponible (%)",
      economies_eau_chaude_mad: "Économies eau chaude (MAD)",
      completude_min: "Complétude eau chaude (min.)",
    }),
  });
}

export function programmeDashboard(): Dashboard {
  return dashboard({
    uid: "jisr-programme",
    title: "Jisr — Vue programme",
    description:
      "Pour le ministère : économies, production, CO₂ évité et disponibilité de l'eau chaude, par établissement et au total. Choisir le mois dans le sélecteur de période.",
    time: { from: "now/M", to: "now/M" },
    refresh: "",
    variables: [institutionVariable()],
    rows: [kpis(), byInstitution(), daily(), [sites()]],
  });
}

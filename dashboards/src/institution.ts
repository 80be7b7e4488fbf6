/**
 * Institution view, for facility managers: power and energy today, this month's energy, self-consumption
 * and savings, and whether the tanks deliver hot water at the service temperature. "Today" and "this month"
 * panels override the dashboard's range with Grafana's relative ranges `now/d` and `now/M` (in the
 * dashboard's time zone, Africa/Casablanca), so they still filter on `$timeFilter`.
 */

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
const MAD = "suffix: MAD";

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

function headline() {
  const size = { w: 4, h: 5 };
  return [
    stat({
      title: "Puissance PV (dernière mesure)",
      description: "Somme des dernières puissances des onduleurs relevées dans les 15 dernières minutes.",
      unit: "watt",
      decimals: 0,
      timeFrom: "15m",
      ...size,
      queries: [{ query: sumOverDevices('last("power_w")', "pv_inverter"), alias: INSTITUTION_ALIAS }],
    }),
    stat({
      title: "Énergie produite aujourd'hui",
      description:
        "Hausse des compteurs des onduleurs depuis minuit. Une remise à zéro d'un compteur dans la journée fausse ce chiffre ; le bilan du jour de l'analyse le corrige.",
      unit: "kwatth",
      decimals: 1,
      timeFrom: TODAY,
      ...size,
      queries: [
        { query: sumOverDevices('spread("energy_wh")', "pv_inverter", " / 1000"), alias: INSTITUTION_ALIAS },
      ],
    }),
    stat({
      title: "Énergie produite ce mois",
      description: "Somme des bilans journaliers du mois calculés par l'analyse.",
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
      title: "Autoconsommation ce mois",
      description: "Part de la production consommée sur place (non injectée au réseau), ce mois.",
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
      title: "Économies ce mois",
      description:
        "Électricité : facture sans le solaire − facture avec, depuis le début du mois. Eau chaude : appoint évité.",
      unit: MAD,
      decimals: 0,
      timeFrom: THIS_MONTH,
      ...size,
      queries: [
        {
          query: `SELECT sum("savings_mad") FROM "savings_daily" ${where()} ${BY_INSTITUTION}`,
          alias: "Électricité · $tag_institution",
        },
        {
          query: `SELECT sum("savings_mad") FROM "hot_water_daily" ${where()} ${BY_INSTITUTION}`,
          alias: "Eau chaude · $tag_institution",
        },
      ],
    }),
    stat({
      title: "Eau chaude disponible ce mois",
      description: `Part des créneaux de puisage où l'eau sortait du ballon à ${SERVICE_TEMPERATURE_C} °C ou plus ce mois : minutes disponibles sur minutes mesurées, minutes sans mesure exclues.`,
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

function powerToday() {
  return timeseries({
    title: "Puissance aujourd'hui",
    description:
      "Production photovoltaïque (tous onduleurs) et puissance au compteur réseau (signe du compteur : positif = soutirage).",
    unit: "watt",
    decimals: 0,
    timeFrom: TODAY,
    w: 24,
    h: 9,
    queries: [
      { query: powerOverTime("pv_inverter"), alias: "Production PV · $tag_institution" },
      { query: powerOverTime("grid_meter"), alias: "Compteur réseau · $tag_institution" },
    ],
  });
}

function tanks() {
  return [
    stat({
      title: "Température des ballons",
      description: `Dernière température en haut de ballon (dernière heure) ; rouge sous ${SERVICE_TEMPERATURE_C} °C, la température de service, vert foncé à partir de ${HYGIENE_TEMPERATURE_C} °C, la température d'hygiène (légionelles).`,
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
        title: "Température des ballons dans le temps",
        description: `Moyennes horaires de la température en haut de ballon ; les lignes marquent la température de service (${SERVICE_TEMPERATURE_C} °C) et la température d'hygiène (${HYGIENE_TEMPERATURE_C} °C).`,
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

function days() {
  return [
    timeseries(
      {
        title: "Énergie par jour",
        description: "Production et part autoconsommée de chaque jour (bilans de l'analyse).",
        unit: "kwatth",
        decimals: 1,
        w: 12,
        h: 8,
        queries: [
          {
            query: `SELECT "pv_energy_wh" / 1000 AS "production", "self_consumed_wh" / 1000 AS "autoconsommee" FROM "energy_daily" ${where()} ${BY_INSTITUTION}`,
            alias: "$col · $tag_institution",
          },
        ],
      },
      { bars: true },
    ),
    timeseries(
      {
        title: "Eau chaude disponible par jour",
        description:
          "Disponibilité de chaque jour ; un jour sans mesure n'apparaît pas (inconnu, ni bon ni mauvais).",
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

export function institutionDashboard(): Dashboard {
  return dashboard({
    uid: "jisr-institution",
    title: "Jisr — Établissement",
    description:
      "Pour les gestionnaires : production du jour, énergie et économies du mois, températures des ballons et disponibilité de l'eau chaude.",
    time: { from: "now-7d", to: "now" },
    refresh: "5m",
    variables: [institutionVariable("one")],
    rows: [headline(), [powerToday()], tanks(), days()],
  });
}

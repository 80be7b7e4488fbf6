/**
 * Fleet health, for technicians: which devices are silent or offline, what the inverters report, and
 * whether the gateways' outboxes are backing up or dropping points. Reads `gateway_health` (one series per
 * gateway, device = gateway id) and `device_health` (one per polled device), both sent by the gateways.
 */

import { BY_DEVICE, BY_INTERVAL_DEVICE, DEVICE_ALIAS, where } from "./influxql.js";
import { customVariable, dashboard, institutionVariable } from "./layout.js";
import type { Dashboard, ValueMap } from "./model.js";
import { mergeAndName, stat, stateTimeline, table, timeseries } from "./panels.js";

/** Per gateway in a subquery, then combined over the gateways shown. */
function overGateways(outer: "sum" | "max", inner: string, groupBy = BY_DEVICE): string {
  return `SELECT ${outer}("v") FROM (SELECT ${inner} AS "v" FROM "gateway_health" ${where()} ${groupBy})`;
}

const ZERO_IS_GOOD = [
  { value: null, color: "green" },
  { value: 1, color: "red" },
];

/** SunSpec inverter states (model 101-103 `St`), as the gateway writes them. */
const INVERTER_STATES: ValueMap = {
  type: "value",
  options: {
    MPPT: { text: "Production (MPPT)", color: "green", index: 0 },
    THROTTLED: { text: "Bridé", color: "yellow", index: 1 },
    STARTING: { text: "Démarrage", color: "blue", index: 2 },
    SLEEPING: { text: "Veille (nuit)", color: "blue", index: 3 },
    STANDBY: { text: "Attente", color: "blue", index: 4 },
    SHUTTING_DOWN: { text: "Arrêt en cours", color: "orange", index: 5 },
    OFF: { text: "Arrêté", color: "text", index: 6 },
    FAULT: { text: "Défaut", color: "red", index: 7 },
  },
};

function counters() {
  const size = { w: 6, h: 5 };
  return [
    stat({
      title: "Appareils hors ligne",
      description: "Somme, sur les passerelles, du dernier nombre d'appareils qui ne répondent pas.",
      unit: "none",
      decimals: 0,
      thresholds: ZERO_IS_GOOD,
      ...size,
      queries: [{ query: overGateways("sum", 'last("devices_offline")') }],
    }),
    stat({
      title: "Points en file d'attente",
      description:
        "Points gardés sur disque par les passerelles en attendant l'envoi (dernier relevé, total).",
      unit: "none",
      decimals: 0,
      ...size,
      queries: [{ query: overGateways("sum", 'last("queue_points")') }],
    }),
    stat({
      title: "Plus ancien point en file",
      description: "Âge du plus ancien point non envoyé, sur toutes les passerelles (dernier relevé).",
      unit: "s",
      decimals: 0,
      thresholds: [
        { value: null, color: "green" },
        { value: 300, color: "orange" },
        { value: 3600, color: "red" },
      ],
      ...size,
      queries: [{ query: overGateways("max", 'last("oldest_queued_age_s")') }],
    }),
    stat({
      title: "Points perdus",
      description:
        "Points jetés par les passerelles (file pleine) sur la période : hausses du compteur, une remise à zéro au redémarrage n'est pas comptée.",
      unit: "none",
      decimals: 0,
      thresholds: ZERO_IS_GOOD,
      ...size,
      queries: [
        {
          query: overGateways(
            "sum",
            'non_negative_difference(max("dropped_points_total"))',
            BY_INTERVAL_DEVICE,
          ),
        },
      ],
    }),
  ];
}

function silentDevices() {
  const latest =
    `SELECT last("online") AS "en_ligne", last("last_success_age_s") AS "silence_s", last("errors_total") AS "erreurs", ` +
    `last("last_error") AS "derniere_erreur" FROM "device_health" ${where()} ${BY_DEVICE}`;
  return table({
    title: "Appareils silencieux ou hors ligne",
    description:
      "Appareils sans lecture réussie depuis plus de $silence_minutes minutes, ou hors ligne, selon le dernier rapport de leur passerelle.",
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
      institution: "Établissement",
      device: "Appareil",
      en_ligne: "En ligne",
      silence_s: "Sans lecture réussie depuis (s)",
      erreurs: "Erreurs (total)",
      derniere_erreur: "Dernière erreur",
    }),
  });
}

function gatewaysAndInverters() {
  return [
    table({
      title: "Passerelles : dernier rapport",
      description:
        "Heure du dernier rapport de santé de chaque passerelle : au-delà de quelques minutes, la passerelle est muette (coupure, liaison).",
      unit: "none",
      decimals: 0,
      w: 12,
      h: 8,
      queries: [
        { query: `SELECT last("uptime_s") AS "uptime_s" FROM "gateway_health" ${where()} ${BY_DEVICE}` },
      ],
      transformations: mergeAndName(
        {
          Time: "Dernier rapport",
          institution: "Établissement",
          device: "Passerelle",
          uptime_s: "En marche depuis (s)",
        },
        [],
      ),
    }),
    stateTimeline({
      title: "État des onduleurs",
      description: "État SunSpec de chaque onduleur (dernier état de chaque intervalle).",
      unit: "none",
      mappings: [INVERTER_STATES],
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

function eventsAndDrops() {
  return [
    table({
      title: "Événements des onduleurs",
      description:
        "Intervalles où un onduleur signalait des événements (défaut d'isolement, surchauffe, ...).",
      unit: "none",
      w: 12,
      h: 8,
      queries: [
        {
          query: `SELECT last("events") AS "evenements" FROM "pv_inverter" ${where(`"events" != ''`)} ${BY_INTERVAL_DEVICE} fill(none)`,
        },
      ],
      transformations: mergeAndName(
        { Time: "Intervalle", institution: "Établissement", device: "Onduleur", evenements: "Événements" },
        [],
      ),
    }),
    timeseries(
      {
        title: "Points perdus par passerelle",
        description: "Points jetés par intervalle (hausse du compteur de chaque passerelle).",
        unit: "none",
        decimals: 0,
        w: 12,
        h: 8,
        queries: [
          {
            query: `SELECT non_negative_difference(max("dropped_points_total")) FROM "gateway_health" ${where()} ${BY_INTERVAL_DEVICE} fill(none)`,
            alias: DEVICE_ALIAS,
          },
        ],
      },
      { bars: true },
    ),
  ];
}

function backlog() {
  const perGateway = (field: string) =>
    `SELECT max("${field}") FROM "gateway_health" ${where()} ${BY_INTERVAL_DEVICE} fill(none)`;
  return [
    timeseries({
      title: "File d'attente par passerelle",
      description: "Points en attente d'envoi : une file qui monte signale une liaison coupée ou trop lente.",
      unit: "none",
      decimals: 0,
      w: 12,
      h: 8,
      queries: [{ query: perGateway("queue_points"), alias: DEVICE_ALIAS }],
    }),
    timeseries({
      title: "Âge du plus ancien point en file",
      description:
        "Retard des données : au-delà de la taille de la file, les plus anciens points sont jetés.",
      unit: "s",
      decimals: 0,
      w: 12,
      h: 8,
      queries: [{ query: perGateway("oldest_queued_age_s"), alias: DEVICE_ALIAS }],
    }),
  ];
}

export function fleetHealthDashboard(): Dashboard {
  return dashboard({
    uid: "jisr-fleet-health",
    title: "Jisr — Santé du parc",
    description:
      "Pour les techniciens : appareils silencieux ou hors ligne, états et événements des onduleurs, file d'attente et pertes des passerelles.",
    time: { from: "now-24h", to: "now" },
    refresh: "1m",
    variables: [
      institutionVariable(),
      customVariable(
        "silence_minutes",
        "Silence (minutes)",
        "Minutes sans lecture réussie au-delà desquelles un appareil est signalé silencieux.",
        ["5", "15", "30", "60", "180"],
        "15",
      ),
    ],
    rows: [counters(), [silentDevices()], gatewaysAndInverters(), eventsAndDrops(), backlog()],
  });
}

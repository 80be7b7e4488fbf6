/** Textes des rapports en français (voir types.ts). */
import type { Catalogue } from "./types.js";

export const fr: Catalogue = {
  lang: "fr",
  dir: "ltr",
  locale: "fr-MA",
  decimal: ",",
  title: {
    programme: "Rapport d'économies du programme Jisr Solar",
    institution: "Rapport d'économies Jisr Solar",
  },
  quarter: (q, year) => `${q === 1 ? "1er" : `${q}e`} trimestre ${year}`,
  year: (year) => `année ${year}`,
  labels: {
    period: "Période",
    generatedAt: "Établi le",
    institution: "Établissement",
    id: "Identifiant",
    month: "Mois",
    total: "Total",
    programmeTotals: "Totaux du programme",
    byInstitution: "Par établissement",
    byMonth: "Mois par mois",
    notes: "Remarques",
    summarySheet: "Synthèse",
    noData: "—",
    warning: "Avertissement",
    incomplete: "données incomplètes",
  },
  metrics: {
    savingsTotal: "Économies totales",
    savingsElectricity: "Économies d'électricité",
    savingsHotWater: "Économies eau chaude",
    exportIncome: "dont revenus de l'injection",
    butaneSubsidyAvoided: "Subvention butane évitée (État)",
    pvEnergy: "Production photovoltaïque",
    selfConsumed: "Énergie autoconsommée",
    selfConsumption: "Taux d'autoconsommation",
    solarHeat: "Chaleur solaire fournie",
    solarFraction: "Fraction solaire",
    availability: "Disponibilité de l'eau chaude",
    hygieneDays: "Jours de contrôle hygiène réussi",
    hygieneCheckedDays: "Jours de contrôle hygiène",
    butaneAvoided: "Butane évité",
    co2Avoided: "CO2 évité",
    alertsRaised: "Alertes déclenchées",
    meanTimeToResolve: "Délai moyen de résolution",
    completenessEnergy: "Complétude des données énergie",
    completenessHotWater: "Complétude des données eau chaude",
  },
  units: { mad: "MAD", kwh: "kWh", pct: "%", kg: "kg", days: "jours", hours: "h", count: "" },
  notes: {
    lowCompleteness: (name, pct, threshold) =>
      `${name} : données complètes à ${pct} seulement (seuil ${threshold}) ; ses chiffres sont sous-estimés.`,
    periodNotOver: (date) => `Période en cours le ${date} : chiffres à cette date.`,
    notListed: (id) =>
      `${id} ne figure pas dans le fichier des établissements ; ses résultats sont comptés dans les totaux.`,
    subsidyApart:
      "La subvention au butane évitée est l'argent de l'État : elle n'entre pas dans les économies totales.",
    co2Source: (source) => `Facteur d'émission CO2 : ${source}`,
    co2Provisional:
      "Facteur d'émission CO2 provisoire, en attente de la valeur officielle : le CO2 évité est une estimation.",
  },
};

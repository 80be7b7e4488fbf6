/** Messages en français. Les textes des règles sont indexés par les clés summary/action des règles. */
import type { Catalogue } from "./types.js";

export const fr: Catalogue = {
  language: "fr",
  dir: "ltr",
  locale: "fr-FR",
  punctuation: { colon: " : ", comma: ", ", semicolon: " ; " },
  severity: { critical: "Critique", major: "Majeure", minor: "Mineure", info: "Information" },
  kind: { firing: "Nouvelle alerte", repeat: "Toujours active", escalated: "Aggravée", resolved: "Résolue" },
  labels: {
    what: "Quoi",
    where: "Où",
    device: "Appareil",
    since: "Depuis",
    severity: "Gravité",
    evidence: "Mesures",
    action: "Action conseillée",
    resolvedAt: "Résolue le",
    duration: "Durée",
    reference: "Alerte",
    yes: "oui",
    no: "non",
  },
  subjectFiring: (count, institution, severity) =>
    count === 1 ? `[${severity}] Alerte à ${institution}` : `[${severity}] ${count} alertes à ${institution}`,
  subjectResolved: (count, institution) =>
    count === 1 ? `Résolue : alerte à ${institution}` : `Résolues : ${count} alertes à ${institution}`,
  footer: "Pour acquitter une alerte (et arrêter les rappels) : POST /api/v1/alerts/<alerte>/ack.",
  summaries: {
    "site_silent.silent":
      "La passerelle {device} n'envoie plus rien depuis {silent_min} min : l'établissement n'est plus surveillé",
    "site_silent.ok": "La passerelle {device} émet de nouveau",
    "device_silent.silent":
      "L'appareil {device} ne répond plus depuis {silent_min} min (sa passerelle, elle, répond)",
    "device_silent.ok": "L'appareil {device} répond de nouveau",
    "gateway_backlog.growing": "Les relevés s'accumulent dans la file d'attente de la passerelle {device}",
    "gateway_backlog.stale":
      "La passerelle {device} n'a transmis aucun relevé depuis {oldest_queued_age_min} min",
    "gateway_backlog.dropping":
      "La passerelle {device} perd des relevés : {dropped_points} perdus, sa file d'attente est pleine",
    "gateway_backlog.ok": "La passerelle {device} transmet de nouveau ses relevés",
    "inverter_fault.fault_state": "L'onduleur {device} est en défaut (état {state})",
    "inverter_fault.events": "L'onduleur {device} signale : {events}",
    "inverter_fault.ok": "L'onduleur {device} ne signale plus de défaut",
    "pv_zero_production.zero":
      "L'onduleur {device} ne produit rien en plein jour (par ciel clair : {clear_sky_power_w} W attendus)",
    "pv_zero_production.ok": "L'onduleur {device} produit de nouveau",
    "pv_underperformance.major":
      "L'onduleur {device} a produit {median_ratio_pct} % de l'attendu sur {days} jours clairs (seuil {threshold_pct} %)",
    "pv_underperformance.minor":
      "L'onduleur {device} a produit {median_ratio_pct} % de l'attendu sur {days} jours clairs (seuil {threshold_pct} %)",
    "pv_underperformance.ok": "La production de l'onduleur {device} est de nouveau normale",
    "pv_input_mismatch.failed":
      "L'entrée {inputs} de l'onduleur {device} ne produit presque rien ({ratio_pct} % de ses voisines) : une chaîne est hors service",
    "pv_input_mismatch.degraded":
      "L'entrée {inputs} de l'onduleur {device} est à {ratio_pct} % de ses voisines",
    "pv_input_mismatch.ok": "Les entrées de l'onduleur {device} sont de nouveau équilibrées",
    "pv_soiling.soiled":
      "Les modules de l'onduleur {device} sont sales : {loss_pct} % de perte, environ {lost_per_month_mad} MAD par mois ({lost_since_cleaning_kwh} kWh perdus depuis le dernier nettoyage)",
    "pv_soiling.ok": "Les modules de l'onduleur {device} sont propres",
    "swh_no_heat_gain.no_flow":
      "Chauffe-eau solaire {device} : pompe en marche depuis {pump_on_min} min mais pas de débit (capteur {collector_minus_tank_k} K au-dessus du ballon)",
    "swh_no_heat_gain.no_gain":
      "Chauffe-eau solaire {device} : pompe en marche depuis {pump_on_min} min mais le ballon ne chauffe pas",
    "swh_no_heat_gain.ok": "Le chauffe-eau solaire {device} chauffe de nouveau",
    "swh_overheating.stagnation": "Capteur solaire de {device} à {collector_c} °C : stagnation",
    "swh_overheating.pump_stopped": "Capteur solaire de {device} à {collector_c} °C avec la pompe arrêtée",
    "swh_overheating.ok": "Le capteur solaire de {device} n'est plus en surchauffe",
    "swh_sensor_fault.out_of_range": "Sonde {sensors} de {device} : circuit ouvert ou court-circuit",
    "swh_sensor_fault.controller_error": "Le régulateur de {device} signale une sonde en défaut : {sensors}",
    "swh_sensor_fault.missing": "La sonde {sensors} de {device} n'envoie aucune valeur",
    "swh_sensor_fault.stuck": "La sonde {sensors} de {device} est bloquée sur une valeur",
    "swh_sensor_fault.ok": "Les sondes de {device} fonctionnent",
    "swh_reverse_circulation.thermosiphon":
      "Le ballon de {device} perd {cooling_k_per_h} K/h la nuit par la boucle solaire (thermosiphon inverse)",
    "swh_reverse_circulation.pump_at_night":
      "La pompe solaire de {device} tourne la nuit : le ballon perd {cooling_k_per_h} K/h",
    "swh_reverse_circulation.ok": "Le ballon de {device} garde sa chaleur la nuit",
    "swh_tank_cold.cold":
      "Eau chaude de {device} à {temperature_c} °C pendant le créneau {demand_window} (température de service {service_temperature_c} °C)",
    "swh_tank_cold.ok": "L'eau chaude de {device} est de nouveau à température",
    "swh_backup_only.backup_only":
      "Journée ensoleillée du {day} : l'appoint de {device} a chauffé {backup_on_min} min, le solaire rien",
    "swh_backup_only.backup_while_collector_hot":
      "Le {day}, l'appoint de {device} a chauffé {backup_on_min} min alors que le capteur était chaud",
    "swh_backup_only.ok": "Le solaire de {device} fait de nouveau son travail",
  },
  actions: {
    check_site_power_and_internet:
      "Vérifiez l'alimentation de la passerelle et la liaison Internet (routeur, crédit de la carte SIM).",
    check_device_power_and_link:
      "Vérifiez l'alimentation de l'appareil et son câble ou sa liaison Modbus vers la passerelle.",
    check_gateway_uplink:
      "Vérifiez la liaison Internet de la passerelle ; les relevés sont conservés et partiront à son retour.",
    inspect_insulation_and_earthing:
      "Ne touchez pas au côté continu : faites vérifier l'isolement et la mise à la terre par un électricien habilité.",
    check_grid_connection:
      "Vérifiez le raccordement au réseau : disjoncteur AC, tension et fréquence du réseau.",
    read_inverter_display_and_restart:
      "Notez le code de défaut affiché par l'onduleur, puis redémarrez-le (AC coupé, DC coupé, 5 min d'attente, DC puis AC).",
    read_inverter_events: "Relevez les événements sur l'écran ou l'application de l'onduleur.",
    check_inverter_breakers_and_dc_isolator: "Vérifiez le disjoncteur AC et le sectionneur DC de l'onduleur.",
    inspect_inverter_strings_and_breakers:
      "Inspectez l'onduleur, ses chaînes et ses disjoncteurs ; apportez une pince ampèremétrique.",
    inspect_soiling_shading_and_strings:
      "Cherchez salissures, nouvel ombrage et chaînes défaillantes sur le champ.",
    check_string_fuses_and_connectors:
      "Vérifiez les fusibles et connecteurs MC4 de l'entrée faible ; apportez un multimètre et des fusibles de rechange.",
    inspect_string_shading_and_bypass_diodes:
      "Cherchez un ombrage sur la chaîne faible et testez ses diodes de dérivation.",
    clean_modules: "Nettoyez les modules (eau et brosse douce, tôt le matin ou en fin d'après-midi).",
    check_solar_pump_valves_and_air:
      "Vérifiez la pompe solaire, les vannes et l'air dans la boucle solaire ; purgez si besoin.",
    check_solar_pump_and_power: "Vérifiez la pompe solaire et son alimentation.",
    cover_collector_or_dump_heat:
      "Couvrez le capteur ou puisez de l'eau chaude pour le refroidir ; vérifiez le vase d'expansion et la soupape.",
    replace_or_reconnect_sensor:
      "Rebranchez ou remplacez la sonde de température (apportez une PT1000 de rechange).",
    check_sensor_placement_and_wiring:
      "Vérifiez que la sonde est bien dans son doigt de gant et que son câblage est intact.",
    check_check_valve: "Vérifiez le clapet anti-retour de la boucle solaire.",
    check_controller_night_pumping:
      "Vérifiez les réglages du régulateur : la pompe ne doit pas tourner la nuit (antigel, refroidissement).",
    check_backup_heater_and_thermostat:
      "Vérifiez l'appoint électrique, son disjoncteur, sa sécurité thermique et son thermostat.",
    check_solar_loop_and_backup: "Vérifiez la boucle solaire et l'appoint.",
    check_solar_pump_and_collector:
      "Vérifiez la pompe solaire et le capteur : l'appoint fait le travail du soleil.",
    none: "Rien à faire.",
  },
  evidence: {
    actual_kwh: "Énergie produite",
    ambient_c: "Température ambiante",
    backup_heater_on: "Appoint en marche",
    backup_on_collector_hot_min: "Appoint avec capteur chaud",
    backup_on_min: "Durée de l'appoint",
    clean_ratio_pct: "Rapport à l'état propre",
    clear_days: "Jours clairs",
    clear_sky_index: "Indice de ciel clair",
    clear_sky_power_w: "Puissance par ciel clair",
    collector_c: "Capteur",
    collector_min_c: "Minimum du capteur",
    collector_minus_tank_k: "Écart capteur − ballon",
    collector_minus_tank_max_k: "Écart max capteur − ballon",
    current_ratio_pct: "Rapport actuel",
    daily_ratios_pct: "Rapports journaliers",
    day: "Jour",
    demand_window: "Créneau de puisage",
    dropped_points: "Relevés perdus",
    errors_total: "Lectures en échec",
    event_bits: "Bits d'événement",
    events: "Événements",
    expected_kwh: "Énergie attendue",
    faulty_sensors: "Sondes en défaut",
    field: "Valeur",
    flow_l_per_h: "Débit",
    heat_gain_wh: "Gain de chaleur",
    irradiance_w_per_m2: "Ensoleillement",
    largest_drop_pct: "Plus forte baisse",
    last_cleaning: "Dernier nettoyage",
    last_error: "Dernière erreur",
    last_seen: "Dernier relevé",
    last_success_age_min: "Depuis la dernière lecture réussie",
    loss_pct: "Perte",
    loss_rate_pct_per_day: "Vitesse de perte",
    lost_kwh: "Énergie perdue",
    lost_per_day_kwh: "Perte par jour",
    lost_per_month_mad: "Coût par mois",
    lost_since_cleaning_kwh: "Perdu depuis le dernier nettoyage",
    lost_since_cleaning_mad: "Coût depuis le dernier nettoyage",
    lowest_in_window_c: "Minimum du créneau",
    mad_is_estimate: "Coût estimé",
    max_power_w: "Puissance maximale",
    max_standing_loss_k_per_h: "Perte normale au repos",
    median_ratio_pct: "Rapport médian",
    method: "Méthode",
    night_from: "Nuit depuis",
    night_to: "Nuit jusqu'à",
    oldest_queued_age_min: "Plus ancien relevé en attente",
    online: "En ligne",
    power_w: "Puissance",
    price_mad_per_kwh: "Prix",
    pump_on: "Pompe en marche",
    pump_on_at_night_min: "Pompe en marche la nuit",
    pump_on_min: "Durée de marche de la pompe",
    queue_growth_points: "Croissance de la file",
    queue_points: "Relevés en attente",
    reading_time: "Heure du relevé",
    seen_in_window: "Vu dans la fenêtre",
    service_temperature_c: "Température de service",
    silent_min: "Silencieux depuis",
    solar_gain_wh: "Apport solaire",
    state: "État",
    state_code: "Code d'état",
    sun_elevation_deg: "Hauteur du soleil",
    tank_c: "Ballon",
    tank_rise_k: "Hausse du ballon",
    tank_top_c: "Haut du ballon",
    tank_top_cooling_k_per_h: "Refroidissement du haut du ballon",
    temperature_c: "Température",
    window_h: "Fenêtre",
    window_min: "Fenêtre",
    worst_ratio_pct: "Pire rapport",
    zero_threshold_w: "Seuil de zéro",
  },
  evidencePatterns: [
    { pattern: /^(mppt|string)_(.+)_ratio_pct$/, name: "Entrée $1 $2 par rapport aux voisines" },
  ],
  units: {
    d: "j",
    h: "h",
    min: "min",
    days: "jours",
    points: "relevés",
    "% points": "points de %",
    "%/day": "%/jour",
  },
};

/**
 * The page's words in French, Arabic and English, and the language switch. Arabic turns the whole layout
 * right-to-left (<html dir="rtl" lang="ar">); the CSS uses logical properties only, so it mirrors itself.
 * Numbers use the Moroccan locales (ar-MA writes Western digits, as Moroccan documents do).
 */
const fr = {
  "alerts.began": "commencée {ago}",
  "alerts.resolvedAt": "Résolue {ago} (à {t}) · a duré {d}",
  "alerts.noneOpen": "Aucune alerte ouverte : tout fonctionne.",
  "live.updated": "Mis à jour {ago}",
  "device.inverter": "Onduleur {n}",
  "device.grid_meter": "Compteur réseau {n}",
  "device.water_heater": "Chauffe-eau solaire {n}",
  "nav.programme": "Programme",
  "nav.institution": "Établissement",
  "nav.alerts": "Alertes",
  "nav.reports": "Rapports",
  logout: "Se déconnecter",
  "lang.label": "Langue",
  "login.title": "Connexion",
  "login.intro": "Suivi des installations solaires des établissements sociaux.",
  "login.id": "Identifiant",
  "login.password": "Mot de passe",
  "login.submit": "Se connecter",
  "login.failed": "Identifiant ou mot de passe incorrect.",
  "login.tooMany": "Trop de tentatives : réessayez dans {s} s.",
  "kpi.powerNow": "Puissance solaire maintenant",
  "kpi.energyToday": "Énergie produite aujourd'hui",
  "kpi.energyMonth": "Énergie produite ce mois",
  "kpi.savingsMonth": "Économies ce mois",
  "kpi.savingsSplit": "Électricité {e} · Eau chaude {h}",
  "kpi.availabilityToday": "Eau chaude disponible aujourd'hui",
  "kpi.availabilityMonth": "Eau chaude disponible ce mois",
  "kpi.availabilityTodayValue": "Aujourd'hui : {p}",
  "kpi.tank": "Température des ballons",
  "kpi.threshold": "Température de service : {t}",
  "kpi.below": "trop froid",
  "kpi.ok": "assez chaud",
  "kpi.openAlerts": "Alertes ouvertes",
  "kpi.noData": "pas de données",
  "kpi.fromCounters": "d'après les compteurs ; le bilan du jour suivra",
  "kpi.completeness": "Données reçues ce mois : {p}",
  "kpi.hygieneOk": "Contrôle légionelle du jour : réussi",
  "kpi.hygieneFail": "Contrôle légionelle du jour : échoué",
  "kpi.at": "à {t}",
  "chart.powerToday": "Puissance aujourd'hui",
  "chart.savingsMonth": "Économies par jour ce mois",
  "chart.tankToday": "Température des ballons aujourd'hui",
  "chart.electricity": "Électricité",
  "chart.hotWater": "Eau chaude",
  "chart.threshold": "Température de service",
  "chart.empty": "Pas encore de données.",
  "programme.title": "Vue d'ensemble du programme",
  "programme.count": "{n} établissements, {r} avec des données",
  "programme.savingsBy": "Économies ce mois, par établissement",
  "col.institution": "Établissement",
  "col.power": "Puissance",
  "col.energyToday": "Énergie aujourd'hui",
  "col.savings": "Économies (mois)",
  "col.availability": "Eau chaude (mois)",
  "col.alerts": "Alertes",
  "institution.choose": "Établissement",
  "alerts.title": "Alertes",
  "alerts.none": "Aucune alerte.",
  "alerts.notConfigured": "Les alertes ne sont pas activées sur ce serveur.",
  "alerts.open": "Ouvertes",
  "alerts.all": "Toutes",
  "alerts.ack": "Acquitter",
  "alerts.acked": "Acquittée par {by}",
  "alerts.comment": "Commentaire (facultatif)",
  "alerts.since": "depuis le {t}",
  "alerts.action": "À faire : {a}",
  "severity.critical": "Critique",
  "severity.major": "Majeure",
  "severity.minor": "Mineure",
  "severity.info": "Info",
  "state.firing": "En cours",
  "state.pending": "En attente",
  "state.resolved": "Résolue",
  "reports.title": "Rapports",
  "reports.intro":
    "Économies, énergie, eau chaude, CO₂ évité et alertes, d'après les bilans mensuels de l'analyse (les mêmes chiffres que les tableaux de bord).",
  "reports.kind": "Période",
  "reports.month": "Mois",
  "reports.quarter": "Trimestre",
  "reports.year": "Année",
  "reports.scope": "Pour",
  "reports.programme": "Tout le programme",
  "reports.format": "Format",
  "reports.language": "Langue du rapport",
  "reports.download": "Télécharger le rapport",
  "error.forbidden": "Vous n'avez pas accès à ces données.",
  "error.generic": "Une erreur est survenue : {m}",
};

const ar = {
  "alerts.began": "بدأ {ago}",
  "alerts.resolvedAt": "تم الحل {ago} (على الساعة {t}) · دام {d}",
  "alerts.noneOpen": "لا توجد تنبيهات مفتوحة: كل شيء يعمل.",
  "live.updated": "آخر تحديث {ago}",
  "device.inverter": "العاكس {n}",
  "device.grid_meter": "عداد الشبكة {n}",
  "device.water_heater": "السخان الشمسي {n}",
  "nav.programme": "البرنامج",
  "nav.institution": "المؤسسة",
  "nav.alerts": "التنبيهات",
  "nav.reports": "التقارير",
  logout: "تسجيل الخروج",
  "lang.label": "اللغة",
  "login.title": "تسجيل الدخول",
  "login.intro": "تتبع المنشآت الشمسية في مؤسسات الرعاية الاجتماعية.",
  "login.id": "اسم المستخدم",
  "login.password": "كلمة المرور",
  "login.submit": "دخول",
  "login.failed": "اسم المستخدم أو كلمة المرور غير صحيحة.",
  "login.tooMany": "محاولات كثيرة: أعد المحاولة بعد {s} ثانية.",
  "kpi.powerNow": "القدرة الشمسية الآن",
  "kpi.energyToday": "الطاقة المنتجة اليوم",
  "kpi.energyMonth": "الطاقة المنتجة هذا الشهر",
  "kpi.savingsMonth": "التوفير هذا الشهر",
  "kpi.savingsSplit": "الكهرباء {e} · الماء الساخن {h}",
  "kpi.availabilityToday": "توفر الماء الساخن اليوم",
  "kpi.availabilityMonth": "توفر الماء الساخن هذا الشهر",
  "kpi.availabilityTodayValue": "اليوم: {p}",
  "kpi.tank": "حرارة الخزانات",
  "kpi.threshold": "حرارة الخدمة: {t}",
  "kpi.below": "بارد جدا",
  "kpi.ok": "ساخن بما يكفي",
  "kpi.openAlerts": "تنبيهات مفتوحة",
  "kpi.noData": "لا توجد بيانات",
  "kpi.fromCounters": "حسب العدادات؛ حصيلة اليوم ستأتي لاحقا",
  "kpi.completeness": "البيانات المستلمة هذا الشهر: {p}",
  "kpi.hygieneOk": "مراقبة الليجيونيلا اليوم: ناجحة",
  "kpi.hygieneFail": "مراقبة الليجيونيلا اليوم: فاشلة",
  "kpi.at": "على الساعة {t}",
  "chart.powerToday": "القدرة اليوم",
  "chart.savingsMonth": "التوفير اليومي هذا الشهر",
  "chart.tankToday": "حرارة الخزانات اليوم",
  "chart.electricity": "الكهرباء",
  "chart.hotWater": "الماء الساخن",
  "chart.threshold": "حرارة الخدمة",
  "chart.empty": "لا توجد بيانات بعد.",
  "programme.title": "نظرة عامة على البرنامج",
  "programme.count": "{n} مؤسسات، {r} منها ترسل بيانات",
  "programme.savingsBy": "التوفير هذا الشهر حسب المؤسسة",
  "col.institution": "المؤسسة",
  "col.power": "القدرة",
  "col.energyToday": "الطاقة اليوم",
  "col.savings": "التوفير (الشهر)",
  "col.availability": "الماء الساخن (الشهر)",
  "col.alerts": "التنبيهات",
  "institution.choose": "المؤسسة",
  "alerts.title": "التنبيهات",
  "alerts.none": "لا توجد تنبيهات.",
  "alerts.notConfigured": "التنبيهات غير مفعلة على هذا الخادم.",
  "alerts.open": "المفتوحة",
  "alerts.all": "الكل",
  "alerts.ack": "إقرار",
  "alerts.acked": "أقر بها {by}",
  "alerts.comment": "تعليق (اختياري)",
  "alerts.since": "منذ {t}",
  "alerts.action": "الإجراء: {a}",
  "severity.critical": "حرج",
  "severity.major": "كبير",
  "severity.minor": "بسيط",
  "severity.info": "معلومة",
  "state.firing": "نشط",
  "state.pending": "قيد الانتظار",
  "state.resolved": "تم الحل",
  "reports.title": "التقارير",
  "reports.intro":
    "التوفير والطاقة والماء الساخن وثاني أكسيد الكربون المتجنب والتنبيهات، حسب الحصائل الشهرية للتحليل (نفس أرقام لوحات القيادة).",
  "reports.kind": "الفترة",
  "reports.month": "شهر",
  "reports.quarter": "ربع سنة",
  "reports.year": "سنة",
  "reports.scope": "لـ",
  "reports.programme": "البرنامج بأكمله",
  "reports.format": "الصيغة",
  "reports.language": "لغة التقرير",
  "reports.download": "تحميل التقرير",
  "error.forbidden": "ليس لديك صلاحية الاطلاع على هذه البيانات.",
  "error.generic": "حدث خطأ: {m}",
};

const en = {
  "alerts.began": "began {ago}",
  "alerts.resolvedAt": "Resolved {ago} (at {t}) · lasted {d}",
  "alerts.noneOpen": "No open alerts: everything is working.",
  "live.updated": "Updated {ago}",
  "device.inverter": "Inverter {n}",
  "device.grid_meter": "Grid meter {n}",
  "device.water_heater": "Solar water heater {n}",
  "nav.programme": "Programme",
  "nav.institution": "Institution",
  "nav.alerts": "Alerts",
  "nav.reports": "Reports",
  logout: "Log out",
  "lang.label": "Language",
  "login.title": "Log in",
  "login.intro": "Monitoring the solar installations of social-care institutions.",
  "login.id": "User id",
  "login.password": "Password",
  "login.submit": "Log in",
  "login.failed": "Unknown user or wrong password.",
  "login.tooMany": "Too many attempts: try again in {s} s.",
  "kpi.powerNow": "Solar power now",
  "kpi.energyToday": "Energy produced today",
  "kpi.energyMonth": "Energy produced this month",
  "kpi.savingsMonth": "Savings this month",
  "kpi.savingsSplit": "Electricity {e} · Hot water {h}",
  "kpi.availabilityToday": "Hot water available today",
  "kpi.availabilityMonth": "Hot water available this month",
  "kpi.availabilityTodayValue": "Today: {p}",
  "kpi.tank": "Tank temperature",
  "kpi.threshold": "Service temperature: {t}",
  "kpi.below": "too cold",
  "kpi.ok": "hot enough",
  "kpi.openAlerts": "Open alerts",
  "kpi.noData": "no data",
  "kpi.fromCounters": "from the counters; the day's analysis will follow",
  "kpi.completeness": "Data received this month: {p}",
  "kpi.hygieneOk": "Today's Legionella check: passed",
  "kpi.hygieneFail": "Today's Legionella check: failed",
  "kpi.at": "at {t}",
  "chart.powerToday": "Power today",
  "chart.savingsMonth": "Savings per day this month",
  "chart.tankToday": "Tank temperature today",
  "chart.electricity": "Electricity",
  "chart.hotWater": "Hot water",
  "chart.threshold": "Service temperature",
  "chart.empty": "No data yet.",
  "programme.title": "Programme overview",
  "programme.count": "{n} institutions, {r} reporting",
  "programme.savingsBy": "Savings this month, by institution",
  "col.institution": "Institution",
  "col.power": "Power",
  "col.energyToday": "Energy today",
  "col.savings": "Savings (month)",
  "col.availability": "Hot water (month)",
  "col.alerts": "Alerts",
  "institution.choose": "Institution",
  "alerts.title": "Alerts",
  "alerts.none": "No alerts.",
  "alerts.notConfigured": "Alerts are not enabled on this server.",
  "alerts.open": "Open",
  "alerts.all": "All",
  "alerts.ack": "Acknowledge",
  "alerts.acked": "Acknowledged by {by}",
  "alerts.comment": "Comment (optional)",
  "alerts.since": "since {t}",
  "alerts.action": "To do: {a}",
  "severity.critical": "Critical",
  "severity.major": "Major",
  "severity.minor": "Minor",
  "severity.info": "Info",
  "state.firing": "Firing",
  "state.pending": "Pending",
  "state.resolved": "Resolved",
  "reports.title": "Reports",
  "reports.intro":
    "Savings, energy, hot water, CO₂ avoided and alerts, from the analysis's monthly results (the dashboards' figures).",
  "reports.kind": "Period",
  "reports.month": "Month",
  "reports.quarter": "Quarter",
  "reports.year": "Year",
  "reports.scope": "For",
  "reports.programme": "Whole programme",
  "reports.format": "Format",
  "reports.language": "Report language",
  "reports.download": "Download the report",
  "error.forbidden": "You may not see this data.",
  "error.generic": "Something went wrong: {m}",
};

export const DICTIONARIES = { fr, ar, en };
export const LANGUAGES = ["fr", "ar", "en"];
const LOCALES = { fr: "fr-MA", ar: "ar-MA", en: "en-GB" };
const STORAGE_KEY = "jisr.lang";

let current = "fr";

export function language() {
  return current;
}

export function locale() {
  return LOCALES[current];
}

/** The text of `key` in the current language, with {placeholders} filled in. */
export function t(key, params = {}) {
  const text = DICTIONARIES[current][key] ?? DICTIONARIES.fr[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

/**
 * Sets the language of the page: words and <html lang dir>. `remember`: a choice made with the switch,
 * kept on this device over the user's profile language.
 */
export function setLanguage(lang, remember = false) {
  current = LANGUAGES.includes(lang) ? lang : "fr";
  document.documentElement.lang = current;
  document.documentElement.dir = current === "ar" ? "rtl" : "ltr";
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, current);
    } catch {
      // Private browsing may refuse storage: the choice then lasts for this page only.
    }
  }
  for (const b of document.querySelectorAll("[data-lang]")) {
    b.setAttribute("aria-pressed", String(b.dataset.lang === current));
  }
}

/** The language chosen on this device before, if any. */
export function savedLanguage() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/**
 * An alert's summary and action as the page shows them: the alerting service's own templates, with the
 * device named as people call it ("Onduleur 2", "Chauffe-eau solaire 1", from the institutions file)
 * and every figure through the page's number formatter ("10,9 kW", not "10 936 W" beside the page's
 * "10,9 kW"); in Arabic each figure with its unit in a left-to-right isolate.
 */

import type { AlertJson, Language } from "@jisr/alerting";
import { catalogue, text } from "@jisr/core/alert-texts";
import { formatFixed, formatQuantity, type Quantity } from "@jisr/reports";
import type { WebInstitution } from "../../data/directory.js";

const DEVICE_NAMES: Record<Language, Record<WebInstitution["devices"][number]["kind"], string>> = {
  fr: { inverter: "Onduleur", grid_meter: "Compteur réseau", water_heater: "Chauffe-eau solaire" },
  ar: { inverter: "العاكس", grid_meter: "عداد الشبكة", water_heater: "السخان الشمسي" },
  en: { inverter: "Inverter", grid_meter: "Grid meter", water_heater: "Solar water heater" },
};

/** What the texts need of an alert, as the alerting API shows it. */
type Alert = Pick<AlertJson, "rule" | "device" | "subject" | "summary" | "action">;

const LOCALES: Record<Language, string> = { fr: "fr-MA", ar: "ar-MA", en: "en-GB" };

/**
 * The inventory's friendly name in `lang` when it gives one ("Onduleur toiture nord"); else "Onduleur 2"
 * (its number among its kind, left out when it is the only one); the id if unlisted.
 */
export function deviceName(inst: WebInstitution | undefined, id: string, lang: Language): string {
  const d = inst?.devices.find((x) => x.id === id);
  if (!inst || !d) return id;
  const friendly = d.names?.[lang];
  if (friendly) return friendly;
  const many = inst.devices.filter((x) => x.kind === d.kind).length > 1;
  return many ? `${DEVICE_NAMES[lang][d.kind]} ${d.n}` : DEVICE_NAMES[lang][d.kind];
}

/**
 * What fills `{device}`: the inverter rules' templates already say "L'onduleur {device}", so they get the
 * inverter's number; the others get the whole name.
 */
function deviceParam(inst: WebInstitution | undefined, a: Alert, lang: Language): string {
  const d = inst?.devices.find((x) => x.id === a.device);
  if (d?.kind === "inverter" && (a.rule.startsWith("inverter_") || a.rule.startsWith("pv_")))
    return String(d.n);
  return deviceName(inst, a.device, lang);
}

/** The unit written after a placeholder in the templates, and the quantity it is. */
const UNITS: Array<{ unit: string; quantity: Quantity; factor: number }> = [
  { unit: "kWh", quantity: "Wh", factor: 1000 },
  { unit: "kW", quantity: "W", factor: 1000 },
  { unit: "Wh", quantity: "Wh", factor: 1 },
  { unit: "W", quantity: "W", factor: 1 },
  { unit: "MAD", quantity: "MAD", factor: 1 },
  { unit: "درهم", quantity: "MAD", factor: 1 },
  { unit: "°C", quantity: "C", factor: 1 },
  { unit: "%", quantity: "pct", factor: 1 },
];

// Private-use characters mark where a number went, so the unit after it can be taken in with it.
const OPEN = "\uE000";
const CLOSE = "\uE001";
const MARKED = new RegExp(
  `${OPEN}(\\w+)${CLOSE}(?:\\s?(${UNITS.map((u) => u.unit).join("|")})(?![\\p{L}]))?`,
  "gu",
);

function fill(
  ref: Alert["summary"],
  table: "summaries" | "actions",
  a: Alert,
  inst: WebInstitution | undefined,
  lang: Language,
) {
  const numbers = new Map<string, number>();
  const params: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(ref.params)) {
    if (typeof value === "number") {
      numbers.set(key, value);
      params[key] = `${OPEN}${key}${CLOSE}`;
    } else params[key] = value;
  }
  const extra = { device: deviceParam(inst, a, lang), subject: a.subject };
  const raw = text({ key: ref.key, params }, table, catalogue(lang), catalogue("en"), extra);
  const locale = LOCALES[lang];
  const isolate = lang === "ar";
  return raw.replace(MARKED, (_whole, key: string, unit: string | undefined) => {
    const value = numbers.get(key) as number;
    const u = UNITS.find((x) => x.unit === unit);
    if (u) return formatQuantity(value * u.factor, u.quantity, locale, { isolate });
    return formatFixed(value, Number.isInteger(value) ? 0 : 1, locale);
  });
}

export function alertText(
  a: Alert,
  inst: WebInstitution | undefined,
  lang: Language,
): { summary: string; action: string } {
  return {
    summary: fill(a.summary, "summaries", a, inst, lang),
    action: fill(a.action, "actions", a, inst, lang),
  };
}

/** The built-in line labels of a bill, in French (as on Moroccan bills), English and Arabic. */
import type { Label } from "./schema.js";

/** "0–100 kWh", "101–150 kWh" (bills count whole kWh, so a bracket above 100 starts at 101), "> 510 kWh". */
export function rangeText(lower: number, upper: number | undefined): string {
  if (upper === undefined) return `> ${lower} kWh`;
  const from = lower === 0 ? 0 : Number.isInteger(lower) ? lower + 1 : lower;
  return `${from}–${upper} kWh`;
}

export function progressiveLabel(index: number, range: string): Label {
  return {
    fr: `Tranche ${index} (${range})`,
    en: `Bracket ${index} (${range})`,
    ar: `الشطر ${index} (${range})`,
  };
}

export function selectiveLabel(range: string): Label {
  return {
    fr: `Tranche sélective ${range}, toute la consommation`,
    en: `Selective bracket ${range}, whole month`,
    ar: `شطر انتقائي ${range}، كامل الاستهلاك`,
  };
}

const PERIOD_LABELS: Record<string, Label> = {
  peak: { fr: "Heures de pointe", en: "Peak hours", ar: "ساعات الذروة" },
  normal: { fr: "Heures normales", en: "Normal hours", ar: "الساعات العادية" },
  full: { fr: "Heures pleines", en: "Full (standard) hours", ar: "الساعات العادية" },
  off_peak: { fr: "Heures creuses", en: "Off-peak hours", ar: "الساعات الجوفاء" },
};

export function periodLabel(period: string): Label {
  return PERIOD_LABELS[period] ?? { fr: period, en: period };
}

export function tppanLabel(range: string): Label {
  return {
    fr: `TPPAN (${range})`,
    en: `Audiovisual levy, TPPAN (${range})`,
    ar: `رسم النهوض بالمشهد السمعي البصري الوطني (${range})`,
  };
}

export const POWER_LABEL: Label = {
  fr: "Redevance de puissance (prime fixe)",
  en: "Power charge (per subscribed kVA)",
  ar: "إتاوة القدرة المكتتبة",
};

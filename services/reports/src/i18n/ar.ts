/** نصوص التقارير بالعربية (انظر types.ts). الأرقام بالأرقام الغربية كما في ar-MA. */
import type { Catalogue } from "./types.js";

const ORDINALS = ["الأول", "الثاني", "الثالث", "الرابع"];

export const ar: Catalogue = {
  lang: "ar",
  dir: "rtl",
  locale: "ar-MA",
  decimal: ",",
  title: {
    programme: "تقرير وفورات برنامج جسر للطاقة الشمسية",
    institution: "تقرير الوفورات - جسر للطاقة الشمسية",
  },
  quarter: (q, year) => `الربع ${ORDINALS[q - 1] ?? q} من سنة ${year}`,
  year: (year) => `سنة ${year}`,
  labels: {
    period: "الفترة",
    generatedAt: "تاريخ الإعداد",
    institution: "المؤسسة",
    id: "المعرف",
    month: "الشهر",
    total: "المجموع",
    programmeTotals: "مجاميع البرنامج",
    byInstitution: "حسب المؤسسة",
    byMonth: "شهرا بشهر",
    notes: "ملاحظات",
    summarySheet: "ملخص",
    noData: "—",
    warning: "تنبيه",
    incomplete: "بيانات غير مكتملة",
  },
  metrics: {
    savingsTotal: "مجموع الوفورات",
    savingsElectricity: "وفورات الكهرباء",
    savingsHotWater: "وفورات الماء الساخن",
    exportIncome: "منها عائدات الطاقة المصدرة",
    butaneSubsidyAvoided: "دعم البوتان المتجنب (الدولة)",
    pvEnergy: "الإنتاج الكهروضوئي",
    selfConsumed: "الطاقة المستهلكة ذاتيا",
    selfConsumption: "نسبة الاستهلاك الذاتي",
    solarHeat: "الحرارة الشمسية المقدمة",
    solarFraction: "الحصة الشمسية",
    availability: "توفر الماء الساخن",
    hygieneDays: "أيام نجاح الفحص الصحي",
    hygieneCheckedDays: "أيام الفحص الصحي",
    butaneAvoided: "البوتان المتجنب",
    co2Avoided: "ثاني أكسيد الكربون المتجنب",
    alertsRaised: "التنبيهات الصادرة",
    meanTimeToResolve: "متوسط مدة المعالجة",
    completenessEnergy: "اكتمال بيانات الطاقة",
    completenessHotWater: "اكتمال بيانات الماء الساخن",
  },
  units: { mad: "درهم", kwh: "كيلوواط ساعة", pct: "%", kg: "كغ", days: "أيام", hours: "ساعة", count: "" },
  notes: {
    lowCompleteness: (name, pct, threshold) =>
      `${name}: البيانات مكتملة بنسبة ${pct} فقط (العتبة ${threshold})، لذا فأرقامها أقل من الواقع.`,
    periodNotOver: (date) => `الفترة لم تنته بعد في ${date}: الأرقام إلى هذا التاريخ.`,
    notListed: (id) => `${id} غير مدرجة في ملف المؤسسات، ونتائجها محتسبة في المجاميع.`,
    subsidyApart: "دعم البوتان المتجنب مال الدولة: لا يدخل في مجموع الوفورات.",
    co2Source: (source) => `معامل انبعاث ثاني أكسيد الكربون: ${source}`,
    co2Provisional:
      "معامل انبعاث ثاني أكسيد الكربون مؤقت في انتظار القيمة الرسمية: ثاني أكسيد الكربون المتجنب تقدير.",
  },
};

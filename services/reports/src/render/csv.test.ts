import { beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../model/types.js";
import { renderReport } from "./index.js";
import { fixtureReport } from "./testing/report.js";

let q4: Report;

beforeAll(async () => {
  q4 = await fixtureReport();
});

const HEADER_FR = [
  "Période",
  "Identifiant",
  "Établissement",
  "Économies totales (MAD)",
  "Économies d'électricité (MAD)",
  "Économies eau chaude (MAD)",
  "dont revenus de l'injection (MAD)",
  "Subvention butane évitée (État) (MAD)",
  "Production photovoltaïque (kWh)",
  "Énergie autoconsommée (kWh)",
  "Taux d'autoconsommation (%)",
  "Chaleur solaire fournie (kWh)",
  "Fraction solaire (%)",
  "Disponibilité de l'eau chaude (%)",
  "Jours de contrôle hygiène réussi (jours)",
  "Jours de contrôle hygiène (jours)",
  "Butane évité (kg)",
  "CO2 évité (kg)",
  "Alertes déclenchées",
  "Délai moyen de résolution (h)",
  "Complétude des données énergie (%)",
  "Complétude des données eau chaude (%)",
  "Avertissement",
].join(";");

describe("CSV", () => {
  it("writes French with a BOM, ';' between fields, decimal commas and one row per institution plus the total", async () => {
    const csv = (await renderReport(q4, "csv", "fr")).toString("utf8");
    // Completeness: dar-a (31 + 28.5 + 31) / 92 and (30.69 + 27 + 31) / 92; dar-b (31 + 15 + 0) / 92;
    // ghost 31 / 92; the programme (90.5 + 46 + 31) / 276. December counts: it had begun on 10 December.
    expect(csv).toBe(
      `\uFEFF${HEADER_FR}\r\n` +
        "2026-Q4;dar-a;Foyer pour personnes âgées, Ben Guerir;5540,62;3334,67;2205,95;10,50;1396,05;3000,0;2680,0;89,3;2100,0;70,0;80,0;75;90;186,9;2666,3;1;5,0;98,4;96,4;\r\n" +
        "2026-Q4;dar-b;Maison d'enfants, Skhour Rehamna;940,53;940,53;;7,75;;900,0;750,0;83,3;;;;;;;630,0;0;;50,0;;données incomplètes\r\n" +
        "2026-Q4;ghost;ghost;99,99;99,99;;0,00;;100,0;100,0;100,0;;;;;;;70,0;0;;33,7;;données incomplètes\r\n" +
        "2026-Q4;;Total;6581,14;4375,19;2205,95;18,25;1396,05;4000,0;3530,0;88,3;2100,0;70,0;80,0;75;90;186,9;3366,3;1;5,0;60,7;96,4;données incomplètes\r\n",
    );
  });

  it("writes English with ',' between fields, decimal points, and quotes a name holding a comma", async () => {
    const lines = (await renderReport(q4, "csv", "en")).toString("utf8").split("\r\n");
    expect(
      lines[0]?.startsWith("\uFEFFPeriod,Id,Institution,Total savings (MAD),Electricity savings (MAD),"),
    ).toBe(true);
    expect(lines[1]).toBe(
      '2026-Q4,dar-a,"Foyer pour personnes âgées, Ben Guerir",5540.62,3334.67,2205.95,10.50,1396.05,3000.0,2680.0,89.3,2100.0,70.0,80.0,75,90,186.9,2666.3,1,5.0,98.4,96.4,',
    );
    expect(lines[2]).toContain(",dar-b,Children's home,940.53,");
    expect(lines[4]?.startsWith("2026-Q4,,Total,6581.14,4375.19,")).toBe(true);
    expect(lines.slice(5)).toEqual([""]);
  });

  it("writes Arabic names and labels in UTF-8", async () => {
    const lines = (await renderReport(q4, "csv", "ar")).toString("utf8").split("\r\n");
    expect(lines[0]?.startsWith("\uFEFFالفترة;المعرف;المؤسسة;مجموع الوفورات (درهم);")).toBe(true);
    expect(lines[1]?.startsWith("2026-Q4;dar-a;دار المسنين، ابن جرير;5540,62;")).toBe(true);
    expect(lines[4]?.startsWith("2026-Q4;;المجموع;6581,14;")).toBe(true);
  });

  it("has no alert columns for a report made without the alert history, and no total for one institution", async () => {
    const one = { ...(await fixtureReport({ institution: "dar-b", period: "2026-11" })) };
    delete one.totalAlerts;
    for (const i of one.institutions) delete i.alerts;
    const csv = (await renderReport(one, "csv", "fr")).toString("utf8");
    expect(csv).not.toContain("Alertes");
    expect(csv.split("\r\n")).toHaveLength(3);
    expect(csv).toContain("2026-11;dar-b;Maison d'enfants, Skhour Rehamna;300,20;300,20;;2,50;");
  });
});

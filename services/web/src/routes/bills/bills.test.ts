/**
 * Bills over HTTP: recording follows the access rules (a manager only for their institution, no
 * technician), every problem of a bill comes back at once, and the reconciliation is the library's.
 * The fixture's manager (karim) sees FOYER only; the technician (youssef) FOYER and CENTRE.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebBed, webBed } from "../../testing/bed.js";
import { FOYER, MAISON } from "../../testing/fixture.js";

let bed: WebBed;
let dir: string;
const before = process.env.JISR_BILLS_DIR;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "jisr-web-bills-"));
  process.env.JISR_BILLS_DIR = dir;
  bed = await webBed();
});
afterAll(async () => {
  await bed?.close();
  if (before === undefined) delete process.env.JISR_BILLS_DIR;
  else process.env.JISR_BILLS_DIR = before;
  rmSync(dir, { recursive: true, force: true });
});

/**
 * 130 kWh in October 2026 on srm-bt-domestic (VAT 20 %): 100 × 0.9010 = 90.10 + 30 × 1.0732 = 32.196 →
 * 32.20, energy 122.30 TTC; fee 20.74 HT + VAT 4.148 → 4.15; no TPPAN (≤ 200 kWh). Total 147.19.
 */
const OCTOBER = {
  institution: FOYER,
  reference: "SRM-2026-10",
  from: "2026-10-01",
  to: "2026-11-01",
  registers: [{ index_from: 5000, index_to: 5130 }],
  lines: [
    { kind: "energy", label: "Consommation", amount: 122.3, basis: "ttc" },
    { kind: "fixed_fee", label: "Redevance fixe", amount: 20.74 },
    { kind: "vat", label: "TVA 20 %", amount: 4.15 },
  ],
  total: 147.19,
};

describe("POST /api/v1/bills", () => {
  it("records a manager's bill for their institution, with who recorded it", async () => {
    const cookie = await bed.login("manager");
    const res = await bed.post("/api/v1/bills", OCTOBER, { cookie });
    expect(res.statusCode).toBe(201);
    expect(res.json().bill.recorded_by).toBe("karim");
    const list = await bed.get(`/api/v1/bills?institution=${FOYER}`, { cookie });
    expect(list.statusCode).toBe(200);
    expect(list.json().bills.map((b: { bill: { reference: string } }) => b.bill.reference)).toEqual([
      "SRM-2026-10",
    ]);
  });

  it("refuses a manager another institution's bill (403, before looking at the rest), and a technician any", async () => {
    const manager = await bed.login("manager");
    const other = await bed.post(
      "/api/v1/bills",
      { institution: MAISON, total: "nonsense" },
      { cookie: manager },
    );
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe("JISR_ERR_FORBIDDEN_INSTITUTION");
    const technician = await bed.login("technician");
    const res = await bed.post("/api/v1/bills", OCTOBER, { cookie: technician });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe("JISR_ERR_FORBIDDEN_ROLE");
    const read = await bed.get(`/api/v1/bills?institution=${MAISON}`, { cookie: technician });
    expect(read.statusCode).toBe(403);
  });

  it("names every problem of a bill at once", async () => {
    const cookie = await bed.login("ministry");
    const res = await bed.post(
      "/api/v1/bills",
      { ...OCTOBER, from: "2026-11-31", to: "2026-12-01", registers: [{ index_from: 10 }], total: 150 },
      { cookie },
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error.problems).toEqual([
      { path: "body.from", message: "must be a calendar day YYYY-MM-DD" },
      { path: "body.registers.0", message: "give both index_from and index_to, or neither" },
      { path: "body.total", message: "is 150.00 MAD but the lines add up to 147.19 MAD" },
    ]);
  });

  it("refuses a second bill over the same period unless it supersedes the first", async () => {
    const cookie = await bed.login("ministry");
    const res = await bed.post("/api/v1/bills", OCTOBER, { cookie });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.problems[0].message).toMatch(
      /overlaps bill bill_\w+ .* give supersedes: bill_\w+/,
    );
  });
});

describe("GET /api/v1/bills/reconciliation", () => {
  it("reconciles an institution's bill with the tariff, line by line", async () => {
    const cookie = await bed.login("manager");
    const res = await bed.get(`/api/v1/bills/reconciliation?institution=${FOYER}`, { cookie });
    expect(res.statusCode).toBe(200);
    const [r] = res.json().institution.reconciliation;
    expect(r.kwh.billed).toBe(130);
    expect(r.predicted.total.ttc).toBe(147.19);
    expect(r.lines.map((l: { kind: string; diff: number }) => [l.kind, l.diff])).toEqual([
      ["energy", 0],
      ["fixed_fee", 0],
      ["vat", 0],
      ["total", 0],
    ]);
    // The fixture has no reading in October: no savings are stated for the period, and it says why.
    const [period] = res.json().institution.savings.periods;
    expect(period.savingsTtc).toBeNull();
    expect(period.marks).toContain("NOT MEASURED: no grid-meter data over the period");
  });

  it("gives the programme table to the ministry only", async () => {
    const manager = await bed.login("manager");
    expect((await bed.get("/api/v1/bills/reconciliation", { cookie: manager })).statusCode).toBe(403);
    const ministry = await bed.login("ministry");
    const res = await bed.get("/api/v1/bills/reconciliation", { cookie: ministry });
    expect(res.statusCode).toBe(200);
    const foyer = res.json().programme.find((row: { institution: string }) => row.institution === FOYER);
    expect([foyer.bills, foyer.billedKwh, foyer.billedTtc, foyer.predictedTtc]).toEqual([
      1, 130, 147.19, 147.19,
    ]);
  });
});

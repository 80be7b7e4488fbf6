// Maps the inverter's values onto its SunSpec register image (models 1, 103, 160) and reads back
// exactly what a client decodes, so the history records what was served, not what was meant.
import { pickScaleFactor } from "../sunspec/encode.js";
import { MODEL_COMMON, MODEL_INVERTER_3P, MODEL_MPPT, type OperatingState } from "../sunspec/models.js";
import { pointKey, SunSpecRegisterBank } from "../sunspec/register-bank.js";
import type { ElectricalValues, ModuleValues, ServedValues } from "./values.js";

export interface DeviceIdentity {
  manufacturer: string;
  model: string;
  version: string;
  serial: string;
  /** Modbus unit id, served as model 1 DA. */
  unit: number;
}

export interface ImageRatings {
  acRatingW: number;
  dcRatingW: number;
  mpptCount: number;
}

/** SunSpec timestamps count seconds from 2000-01-01T00:00:00Z. */
const SUNSPEC_EPOCH_MS = Date.UTC(2000, 0, 1);

const INV = 103;
const MPPT = 160;
/** Model 103 points written straight from the electrical values. */
const SCALED_103 = [
  "AphA",
  "AphB",
  "AphC",
  "PPVphAB",
  "PPVphBC",
  "PPVphCA",
  "PhVphA",
  "PhVphB",
  "PhVphC",
  "W",
  "Hz",
  "VA",
  "VAr",
  "PF",
  "DCA",
  "DCV",
  "TmpCab",
  "TmpSnk",
] as const;
const RAW_103 = ["St", "Evt1", "Evt2"] as const;

export class InverterImage {
  readonly bank: SunSpecRegisterBank;

  constructor(
    readonly identity: DeviceIdentity,
    readonly ratings: ImageRatings,
  ) {
    this.bank = new SunSpecRegisterBank([
      { def: MODEL_COMMON },
      { def: MODEL_INVERTER_3P },
      { def: MODEL_MPPT, repeatCount: ratings.mpptCount },
    ]);
    this.#writeIdentity();
    this.#writeScaleFactors();
  }

  #writeIdentity(): void {
    const b = this.bank;
    b.setString(pointKey(1, "Mn"), this.identity.manufacturer);
    b.setString(pointKey(1, "Md"), this.identity.model);
    b.setString(pointKey(1, "Vr"), this.identity.version);
    b.setString(pointKey(1, "SN"), this.identity.serial);
    b.setRaw(pointKey(1, "DA"), this.identity.unit);
    for (let m = 1; m <= this.ratings.mpptCount; m++) {
      b.setRaw(pointKey(MPPT, "ID", m), m);
      b.setString(pointKey(MPPT, "IDStr", m), `MPPT ${m}`);
    }
  }

  /** Fixed scale factors sized to the plant, so a big plant does not overflow int16 watts. */
  #writeScaleFactors(): void {
    const { acRatingW, dcRatingW } = this.ratings;
    const wSf = pickScaleFactor(acRatingW * 1.05, 32767, 0);
    const dcWSf = pickScaleFactor(dcRatingW * 1.1, 32767, 0);
    const sfs: [number, string, number][] = [
      [INV, "A_SF", pickScaleFactor(acRatingW / 190, 65534, -2)],
      [INV, "V_SF", -1],
      [INV, "W_SF", wSf],
      [INV, "Hz_SF", -2],
      [INV, "VA_SF", wSf],
      [INV, "VAr_SF", wSf],
      [INV, "PF_SF", -1],
      [INV, "WH_SF", 0],
      [INV, "DCA_SF", pickScaleFactor(dcRatingW / 250, 65534, -2)],
      [INV, "DCV_SF", -1],
      [INV, "DCW_SF", dcWSf],
      [INV, "Tmp_SF", -1],
      [MPPT, "DCA_SF", pickScaleFactor(dcRatingW / 250, 65534, -2)],
      [MPPT, "DCV_SF", -1],
      // Same as 103 DCW_SF so that 103 DCW is exactly the sum of the module DCW as served.
      [MPPT, "DCW_SF", dcWSf],
      [MPPT, "DCWH_SF", 0],
    ];
    for (const [model, name, value] of sfs) this.bank.setRaw(pointKey(model, name), value);
  }

  /** Write one tick's values; energies in Wh, `simMs` for the module timestamps. */
  write(v: ElectricalValues, energyWh: number, moduleWh: readonly number[], simMs: number): void {
    const b = this.bank;
    for (const name of SCALED_103) b.setScaled(pointKey(INV, name), v[name]);
    for (const name of RAW_103) b.setRaw(pointKey(INV, name), v[name]);
    // Totals are sums of the parts as served, so a client's cross-checks add up exactly.
    b.setScaled(
      pointKey(INV, "A"),
      ["AphA", "AphB", "AphC"].reduce((s, n) => s + b.getScaled(pointKey(INV, n)), 0),
    );
    b.setScaled(pointKey(INV, "WH"), Math.floor(energyWh));
    b.setRaw(pointKey(MPPT, "Evt"), v.Evt);
    const tms = Math.floor((simMs - SUNSPEC_EPOCH_MS) / 1000);
    v.modules.forEach((m, i) => {
      const block = i + 1;
      b.setScaled(pointKey(MPPT, "DCA", block), m.DCA);
      b.setScaled(pointKey(MPPT, "DCV", block), m.DCV);
      b.setScaled(pointKey(MPPT, "DCW", block), m.DCW);
      b.setScaled(pointKey(MPPT, "DCWH", block), Math.floor(moduleWh[i] ?? 0));
      b.setRaw(pointKey(MPPT, "Tms", block), tms);
      b.setRaw(pointKey(MPPT, "Tmp", block), m.Tmp);
      b.setRaw(pointKey(MPPT, "DCSt", block), m.DCSt);
      b.setRaw(pointKey(MPPT, "DCEvt", block), m.DCEvt);
    });
    const dcW = v.modules.reduce((s, _m, i) => s + b.getScaled(pointKey(MPPT, "DCW", i + 1)), 0);
    b.setScaled(pointKey(INV, "DCW"), dcW);
  }

  /** The values as a client decodes them from the registers right now. */
  served(): ServedValues {
    const b = this.bank;
    const get = (name: string): number => b.getScaled(pointKey(INV, name));
    const values = Object.fromEntries(
      [...SCALED_103, "A", "WH", "DCW", ...RAW_103].map((name) => [name, get(name)]),
    ) as Omit<ServedValues, "Evt" | "modules">;
    return { ...values, Evt: b.getRaw(pointKey(MPPT, "Evt")), modules: this.#servedModules() };
  }

  #servedModules(): ModuleValues[] {
    const b = this.bank;
    return Array.from({ length: this.ratings.mpptCount }, (_, i) => {
      const get = (name: string): number => b.getScaled(pointKey(MPPT, name, i + 1));
      return {
        DCA: get("DCA"),
        DCV: get("DCV"),
        DCW: get("DCW"),
        DCWH: get("DCWH"),
        Tms: get("Tms"),
        Tmp: get("Tmp"),
        DCSt: get("DCSt") as OperatingState,
        DCEvt: get("DCEvt"),
      };
    });
  }
}

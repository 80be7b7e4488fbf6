// A solar water heater (CES) under the Ben Guerir sun: a flat-plate collector, a pumped loop, a
// two-node stratified tank, hot-water draws by hour and a backup (electric element or butane burner). Plausible physics
// for tests and the demo, not a design tool. Time steps come from the caller; every function is pure
// except `step`, which advances the state it is given.
import { defaultPvSystem, pvOperatingPoint } from "../solar/pv-system.js";

/** Specific heat of water: 4186 J/(kg·K), 1 L ≈ 1 kg (1.163 Wh per litre per kelvin, DOMAIN.md 2.3). */
const J_PER_L_K = 4186;

export interface SolarWaterHeaterDesign {
  collectorAreaM2: number;
  /** Optical efficiency η0 and heat-loss coefficients a1 (W/m²K) and a2 (W/m²K²) of a flat-plate collector. */
  eta0: number;
  a1: number;
  a2: number;
  /** Heat capacity of the collector and its fluid, J/K per m². */
  collectorCapacityJPerM2K: number;
  tankLitres: number;
  /** Standing loss of the tank, W/K (split between the two nodes). */
  tankLossWPerK: number;
  /** Loop flow at full pump speed, L/h. */
  nominalFlowLPerH: number;
  /** RESOL DeltaSol ES factory settings (DOMAIN.md 5.2): on at ΔT 6 K, off at 4 K, store maximum 60 °C. */
  deltaOnK: number;
  deltaOffK: number;
  tankMaxC: number;
  /**
   * What heats the tank when the sun does not: an electric element, or a butane burner (many care
   * institutions, DOMAIN.md 2). Both are a relay heating the tank top; only their power differs.
   */
  backupKind: "electric" | "butane";
  /** Useful heat output of the element or burner (a burner's plate value), W; the on/off temperatures. */
  backupW: number;
  backupOnBelowC: number;
  backupOffAboveC: number;
  coldWaterC: number;
  roomC: number;
  /** Hot water drawn in each local hour 0-23, L. */
  drawLitresByHour: readonly number[];
  /** Seed of the cloud noise; null gives a clear sky. */
  cloudSeed: number | null;
}

/** A collective CES of a care institution: 6 m², 500 L, about 750 L/day drawn at morning and evening peaks. */
export function defaultSolarWaterHeater(cloudSeed: number | null = 1): SolarWaterHeaterDesign {
  return {
    collectorAreaM2: 6,
    eta0: 0.75,
    a1: 3.5,
    a2: 0.015,
    collectorCapacityJPerM2K: 7000,
    tankLitres: 500,
    tankLossWPerK: 2.5,
    nominalFlowLPerH: 320,
    deltaOnK: 6,
    deltaOffK: 4,
    tankMaxC: 60,
    backupKind: "electric",
    backupW: 3000,
    // Above the 45 °C service temperature with margin: a healthy tank must never run cold at a draw.
    backupOnBelowC: 47,
    backupOffAboveC: 55,
    coldWaterC: 18,
    roomC: 20,
    // Showers 6-9, kitchen at noon, evening washing 18-21 (legal time UTC+1 on average).
    drawLitresByHour: [
      0, 0, 0, 0, 0, 10, 75, 110, 85, 30, 20, 25, 50, 40, 15, 15, 20, 25, 60, 75, 55, 30, 15, 0,
    ],
    cloudSeed,
  };
}

/** The same heater with a butane burner of `burnerKw` useful heat output as its backup. */
export function butaneBackedSolarWaterHeater(
  burnerKw: number,
  cloudSeed: number | null = 1,
): SolarWaterHeaterDesign {
  return { ...defaultSolarWaterHeater(cloudSeed), backupKind: "butane", backupW: burnerKw * 1000 };
}

export type ControllerState = "AUTO" | "ANTIFREEZE" | "TANK_MAX_TEMPERATURE" | "COLLECTOR_EMERGENCY_OFF";

export interface SolarWaterHeaterState {
  collectorC: number;
  tankTopC: number;
  tankBottomC: number;
  pumpOn: boolean;
  backupOn: boolean;
  state: ControllerState;
  /** Loop flow actually moving, L/h (0 with a failed pump). */
  flowLPerH: number;
  /** Heat carried by the loop into the tank, W. */
  solarPowerW: number;
  /** Heat counter of the loop (heat quantity measurement), Wh. */
  heatWh: number;
  /** Loop volume counted, L. */
  loopLitres: number;
  backupWh: number;
  irradianceWm2: number;
  ambientC: number;
}

export interface SolarWaterHeaterFaults {
  /** The relay switches the pump on but nothing flows (seized pump, air lock, closed valve). */
  pumpFailure?: boolean;
}

export function initialState(ambientC = 20): SolarWaterHeaterState {
  return {
    collectorC: ambientC,
    tankTopC: 50,
    tankBottomC: 35,
    pumpOn: false,
    backupOn: false,
    state: "AUTO",
    flowLPerH: 0,
    solarPowerW: 0,
    heatWh: 0,
    loopLitres: 0,
    backupWh: 0,
    irradianceWm2: 0,
    ambientC,
  };
}

/** Local (legal) hour at Ben Guerir, for the draw profile: UTC+1 outside Ramadan is close enough here. */
function localHour(utcMs: number): number {
  return Math.floor((((utcMs / 3_600_000 + 1) % 24) + 24) % 24);
}

/** The differential controller: pump by collector-to-tank ΔT with hysteresis, with its safety states. */
function control(s: SolarWaterHeaterState, d: SolarWaterHeaterDesign): void {
  const delta = s.collectorC - s.tankBottomC;
  if (s.collectorC > 130) {
    s.state = "COLLECTOR_EMERGENCY_OFF";
    s.pumpOn = false;
  } else if (s.collectorC < 4) {
    s.state = "ANTIFREEZE";
    s.pumpOn = true;
  } else if (s.tankBottomC >= d.tankMaxC) {
    s.state = "TANK_MAX_TEMPERATURE";
    s.pumpOn = false;
  } else {
    s.state = "AUTO";
    if (delta >= d.deltaOnK) s.pumpOn = true;
    else if (delta <= d.deltaOffK) s.pumpOn = false;
  }
  if (s.tankTopC < d.backupOnBelowC) s.backupOn = true;
  else if (s.tankTopC > d.backupOffAboveC) s.backupOn = false;
}

/** Pump speed the controller asks for, %: 30 % at the switch-on difference, 100 % from 20 K up. */
export function pumpSpeedPct(s: SolarWaterHeaterState, d: SolarWaterHeaterDesign): number {
  if (!s.pumpOn) return 0;
  const delta = s.collectorC - s.tankBottomC;
  return Math.round(Math.min(100, Math.max(30, 30 + ((delta - d.deltaOnK) / (20 - d.deltaOnK)) * 70)));
}

/** Advances `s` by `dtS` seconds ending at `utcMs`. Steps of at most ~30 s keep the collector stable. */
export function step(
  s: SolarWaterHeaterState,
  utcMs: number,
  dtS: number,
  d: SolarWaterHeaterDesign,
  faults: SolarWaterHeaterFaults = {},
): void {
  const sky = pvOperatingPoint(utcMs, { ...defaultPvSystem(1, d.cloudSeed), tiltDeg: 35 });
  s.irradianceWm2 = sky.poaWm2;
  s.ambientC = sky.ambientC;
  control(s, d);
  s.flowLPerH = s.pumpOn && !faults.pumpFailure ? (d.nominalFlowLPerH * pumpSpeedPct(s, d)) / 100 : 0;
  const flowLPerS = s.flowLPerH / 3600;
  // Collector: absorbed sun minus losses to the air minus what the loop carries away to the tank bottom.
  const over = s.collectorC - sky.ambientC;
  const gainW = d.collectorAreaM2 * (d.eta0 * sky.poaWm2 - d.a1 * over - d.a2 * over * Math.abs(over));
  s.solarPowerW = flowLPerS * J_PER_L_K * (s.collectorC - s.tankBottomC);
  const capacity = d.collectorAreaM2 * d.collectorCapacityJPerM2K;
  s.collectorC += ((gainW - s.solarPowerW) * dtS) / capacity;
  const node = d.tankLitres / 2;
  const lossTopW = (d.tankLossWPerK / 2) * (s.tankTopC - d.roomC);
  const lossBottomW = (d.tankLossWPerK / 2) * (s.tankBottomC - d.roomC);
  s.tankBottomC += ((s.solarPowerW - lossBottomW) * dtS) / (node * J_PER_L_K);
  const backupW = s.backupOn ? d.backupW : 0;
  s.tankTopC += ((backupW - lossTopW) * dtS) / (node * J_PER_L_K);
  // Draws: hot water leaves the top, the bottom moves up, cold water comes in at the bottom (plug flow).
  const drawn = Math.min(((d.drawLitresByHour[localHour(utcMs)] ?? 0) * dtS) / 3600, node);
  s.tankTopC = (s.tankTopC * (node - drawn) + s.tankBottomC * drawn) / node;
  s.tankBottomC = (s.tankBottomC * (node - drawn) + d.coldWaterC * drawn) / node;
  // Buoyancy: a warmer bottom rises and mixes with the top.
  if (s.tankBottomC > s.tankTopC) s.tankTopC = s.tankBottomC = (s.tankTopC + s.tankBottomC) / 2;
  s.heatWh += Math.max(s.solarPowerW, 0) * (dtS / 3600);
  s.loopLitres += flowLPerS * dtS;
  s.backupWh += backupW * (dtS / 3600);
}

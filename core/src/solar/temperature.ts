// Ambient and module temperatures. The ambient curve is a plausible shape for Ben Guerir's hot
// semi-arid climate (cool winters, hot summers, large daily swing), not measured data: the simulators
// use it as their weather, the alert rules only as a fallback when a site has no temperature sensor.

const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;

export interface AmbientClimate {
  /** Yearly mean of the daily mean temperature, °C. */
  meanC: number;
  /** Half the difference between the warmest and coldest daily means, K. */
  seasonalAmplitudeK: number;
  /** Day of year of the warmest daily mean (late July in Morocco). */
  warmestDayOfYear: number;
  /** Half the daily min-max swing, K. */
  dailyAmplitudeK: number;
  /** Local solar hour of the daily maximum (mid-afternoon). */
  warmestSolarHour: number;
}

export const BEN_GUERIR_CLIMATE: AmbientClimate = {
  meanC: 19.5,
  seasonalAmplitudeK: 8,
  warmestDayOfYear: 205,
  dailyAmplitudeK: 7,
  warmestSolarHour: 15,
};

/** The last UTC day asked for and its day of year: callers ask for many instants of one day in a row. */
let lastDay = Number.NaN;
let lastDayOfYear = 0;

/** Day of year (1-366) of a UTC instant. */
export function dayOfYear(utcMs: number): number {
  const day = Math.floor(utcMs / MS_PER_DAY);
  if (day !== lastDay) {
    const d = new Date(utcMs);
    lastDayOfYear = Math.floor((utcMs - Date.UTC(d.getUTCFullYear(), 0, 1)) / MS_PER_DAY) + 1;
    lastDay = day;
  }
  return lastDayOfYear;
}

/** Ambient air temperature (°C) at a UTC instant and longitude: a seasonal and a daily cosine. */
export function ambientTemperatureC(utcMs: number, lonDeg: number, climate = BEN_GUERIR_CLIMATE): number {
  const season = Math.cos((2 * Math.PI * (dayOfYear(utcMs) - climate.warmestDayOfYear)) / 365.25);
  // Mean solar hour is close enough here: the equation of time only shifts the curve by ±15 min.
  const solarHour = ((utcMs % MS_PER_DAY) / MS_PER_HOUR + lonDeg / 15 + 24) % 24;
  const daily = Math.cos((2 * Math.PI * (solarHour - climate.warmestSolarHour)) / 24);
  return climate.meanC + climate.seasonalAmplitudeK * season + climate.dailyAmplitudeK * daily;
}

/**
 * NOCT cell temperature: Tc = Ta + (NOCT − 20) / 800 · G_poa. NOCT (nominal operating cell
 * temperature) is the datasheet value at 800 W/m², 20 °C, 1 m/s wind; typically 42-48 °C.
 */
export function moduleTemperatureC(ambientC: number, poaWm2: number, noctC = 45): number {
  return ambientC + ((noctC - 20) / 800) * poaWm2;
}

// Solar position by the NOAA Solar Calculator equations (Meeus, "Astronomical Algorithms"), as in
// NOAA's spreadsheet https://gml.noaa.gov/grad/solcalc/calcdetails.html. Accurate to well under 0.1°
// for 1800-2100, ample for the simulators and the alert rules. A pure function of UTC time: no time zones.

const RAD = Math.PI / 180;
const DEG = 180 / Math.PI;
const MS_PER_DAY = 86_400_000;
/** Julian day of the Unix epoch. */
const JD_UNIX_EPOCH = 2_440_587.5;
/** Julian day of J2000.0. */
const JD_J2000 = 2_451_545;

export interface SunPosition {
  /** Apparent elevation above the horizon (with atmospheric refraction), degrees. */
  elevationDeg: number;
  /** Apparent zenith angle = 90 − elevation, degrees. */
  zenithDeg: number;
  /** Azimuth clockwise from north (180 = south), degrees. */
  azimuthDeg: number;
  /** Declination of the sun, degrees. */
  declinationDeg: number;
  /** Equation of time, minutes (apparent minus mean solar time). */
  equationOfTimeMin: number;
  /** Earth-sun distance in astronomical units. */
  distanceAu: number;
}

interface SunAngles {
  declinationDeg: number;
  equationOfTimeMin: number;
  distanceAu: number;
}

/** Declination, equation of time and distance at a Julian century `jc` since J2000. */
function sunAngles(jc: number): SunAngles {
  const meanLong = (280.46646 + jc * (36000.76983 + jc * 0.0003032)) % 360;
  const meanAnom = 357.52911 + jc * (35999.05029 - 0.0001537 * jc);
  const ecc = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc);
  const m = meanAnom * RAD;
  const center =
    Math.sin(m) * (1.914602 - jc * (0.004817 + 0.000014 * jc)) +
    Math.sin(2 * m) * (0.019993 - 0.000101 * jc) +
    Math.sin(3 * m) * 0.000289;
  const trueLong = meanLong + center;
  const trueAnom = meanAnom + center;
  const omega = (125.04 - 1934.136 * jc) * RAD;
  const appLong = trueLong - 0.00569 - 0.00478 * Math.sin(omega);
  const meanObliq = 23 + (26 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60) / 60;
  const obliq = (meanObliq + 0.00256 * Math.cos(omega)) * RAD;
  const declination = Math.asin(Math.sin(obliq) * Math.sin(appLong * RAD));
  const y = Math.tan(obliq / 2) ** 2;
  const l0 = meanLong * RAD;
  const eqTime =
    4 *
    DEG *
    (y * Math.sin(2 * l0) -
      2 * ecc * Math.sin(m) +
      4 * ecc * y * Math.sin(m) * Math.cos(2 * l0) -
      0.5 * y * y * Math.sin(4 * l0) -
      1.25 * ecc * ecc * Math.sin(2 * m));
  const distanceAu = (1.000001018 * (1 - ecc * ecc)) / (1 + ecc * Math.cos(trueAnom * RAD));
  return { declinationDeg: declination * DEG, equationOfTimeMin: eqTime, distanceAu };
}

/** NOAA's approximation of atmospheric refraction (degrees) for a true elevation in degrees. */
export function refractionDeg(elevationDeg: number): number {
  if (elevationDeg > 85) return 0;
  const te = Math.tan(elevationDeg * RAD);
  let arcsec: number;
  if (elevationDeg > 5) arcsec = 58.1 / te - 0.07 / te ** 3 + 0.000086 / te ** 5;
  else if (elevationDeg > -0.575)
    arcsec =
      1735 +
      elevationDeg * (-518.2 + elevationDeg * (103.4 + elevationDeg * (-12.79 + elevationDeg * 0.711)));
  else arcsec = -20.772 / te;
  return arcsec / 3600;
}

/** Position of the sun seen from (latDeg north, lonDeg east) at the UTC instant `utcMs`. */
export function sunPosition(utcMs: number, latDeg: number, lonDeg: number): SunPosition {
  const jd = utcMs / MS_PER_DAY + JD_UNIX_EPOCH;
  const { declinationDeg, equationOfTimeMin, distanceAu } = sunAngles((jd - JD_J2000) / 36525);
  const minutesUtc = (((utcMs % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / 60_000;
  const trueSolarMin = (((minutesUtc + equationOfTimeMin + 4 * lonDeg) % 1440) + 1440) % 1440;
  const hourAngle = trueSolarMin / 4 - 180;
  const lat = latDeg * RAD;
  const dec = declinationDeg * RAD;
  const cosZen = Math.sin(lat) * Math.sin(dec) + Math.cos(lat) * Math.cos(dec) * Math.cos(hourAngle * RAD);
  const trueZen = Math.acos(Math.min(1, Math.max(-1, cosZen)));
  const trueElev = 90 - trueZen * DEG;
  const elevationDeg = trueElev + refractionDeg(trueElev);
  return {
    elevationDeg,
    zenithDeg: 90 - elevationDeg,
    azimuthDeg: azimuthDeg(lat, dec, trueZen, hourAngle),
    declinationDeg,
    equationOfTimeMin,
    distanceAu,
  };
}

function azimuthDeg(lat: number, dec: number, zen: number, hourAngleDeg: number): number {
  const denom = Math.cos(lat) * Math.sin(zen);
  if (Math.abs(denom) < 1e-12) return 180;
  const cosAz = (Math.sin(lat) * Math.cos(zen) - Math.sin(dec)) / denom;
  const az = Math.acos(Math.min(1, Math.max(-1, cosAz))) * DEG;
  return hourAngleDeg > 0 ? (az + 180) % 360 : (540 - az) % 360;
}

/** Solar constant (W/m²), the value pvlib uses for extraterrestrial irradiance. */
export const SOLAR_CONSTANT_WM2 = 1361;

/** Extraterrestrial normal irradiance (W/m²) for an earth-sun distance in AU. */
export function extraterrestrialWm2(distanceAu: number): number {
  return SOLAR_CONSTANT_WM2 / (distanceAu * distanceAu);
}

/** UTC instant of solar noon on the UTC day containing `utcMs`, at longitude `lonDeg` (east positive). */
export function solarNoonUtc(utcMs: number, lonDeg: number): number {
  const day = Math.floor(utcMs / MS_PER_DAY) * MS_PER_DAY;
  // One refinement is enough: the equation of time changes by < 1 s per hour.
  let noon = day + (720 - 4 * lonDeg) * 60_000;
  noon = day + (720 - 4 * lonDeg - sunPosition(noon, 0, lonDeg).equationOfTimeMin) * 60_000;
  return noon;
}

// Clear-sky irradiance and its split into beam and diffuse parts.

const RAD = Math.PI / 180;

/**
 * Haurwitz clear-sky global horizontal irradiance (W/m²) from the apparent zenith angle:
 * GHI = 1098 · cosZ · exp(−0.059 / cosZ). Best of the zenith-only models in the Sandia review
 * (Reno et al., SAND2012-2389); same formula as pvlib `clearsky.haurwitz`.
 */
export function haurwitzGhi(zenithDeg: number): number {
  const cosZ = Math.cos(zenithDeg * RAD);
  if (zenithDeg >= 90 || cosZ <= 0) return 0;
  return 1098 * cosZ * Math.exp(-0.059 / cosZ);
}

export interface BeamDiffuse {
  /** Direct normal irradiance, W/m². */
  dniWm2: number;
  /** Diffuse horizontal irradiance, W/m². */
  dhiWm2: number;
}

/**
 * Erbs et al. (1982) decomposition of GHI into DNI and DHI via the clearness index kt,
 * with pvlib's guards (`irradiance.erbs`: min cos zenith 0.065, no beam beyond 87°).
 */
export function erbs(ghiWm2: number, zenithDeg: number, extraterrestrialWm2: number): BeamDiffuse {
  if (ghiWm2 <= 0) return { dniWm2: 0, dhiWm2: 0 };
  const cosZ = Math.max(Math.cos(zenithDeg * RAD), 0.065);
  const kt = Math.min(Math.max(ghiWm2 / (extraterrestrialWm2 * cosZ), 0), 1);
  let df: number;
  if (kt <= 0.22) df = 1 - 0.09 * kt;
  else if (kt <= 0.8) df = 0.9511 - 0.1604 * kt + 4.388 * kt ** 2 - 16.638 * kt ** 3 + 12.336 * kt ** 4;
  else df = 0.165;
  const dhiWm2 = df * ghiWm2;
  const dniWm2 = zenithDeg > 87 ? 0 : Math.max((ghiWm2 - dhiWm2) / cosZ, 0);
  return { dniWm2, dhiWm2 };
}

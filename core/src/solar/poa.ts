// Plane-of-array irradiance on a fixed tilted plane (isotropic sky, Liu & Jordan).

const RAD = Math.PI / 180;

export interface PlaneOrientation {
  /** Tilt from horizontal, degrees (0 = flat). */
  tiltDeg: number;
  /** Azimuth the plane faces, clockwise from north (180 = south), degrees. */
  azimuthDeg: number;
}

/** Cosine of the angle of incidence of the beam on the plane (may be negative: sun behind it). */
export function cosAngleOfIncidence(
  plane: PlaneOrientation,
  sunZenithDeg: number,
  sunAzimuthDeg: number,
): number {
  const tilt = plane.tiltDeg * RAD;
  const zen = sunZenithDeg * RAD;
  return (
    Math.cos(zen) * Math.cos(tilt) +
    Math.sin(zen) * Math.sin(tilt) * Math.cos((sunAzimuthDeg - plane.azimuthDeg) * RAD)
  );
}

export interface PoaInput {
  ghiWm2: number;
  dniWm2: number;
  dhiWm2: number;
  cosAoi: number;
  tiltDeg: number;
  /** Ground reflectance; 0.2 is the usual default for mixed ground. */
  albedo: number;
}

/** Total irradiance on the plane, W/m²: beam + isotropic sky diffuse + ground-reflected. */
export function poaIrradiance(input: PoaInput): number {
  const tilt = input.tiltDeg * RAD;
  const beam = input.dniWm2 * Math.max(input.cosAoi, 0);
  const sky = (input.dhiWm2 * (1 + Math.cos(tilt))) / 2;
  const ground = (input.ghiWm2 * input.albedo * (1 - Math.cos(tilt))) / 2;
  return Math.max(beam + sky + ground, 0);
}

import type { DecodedModel, DecodedPoint, SunspecDevice } from "./decoded-schema.js";

/** Plain-text tables of a decoded device, for `jisr gateway read`. */

type Row = [name: string, value: string, unit: string];

/** A value as a technician reads it: "MPPT (4)", "OVER_TEMP, GROUND_FAULT", "none", "null". */
export function formatValue(point: DecodedPoint): string {
  const v = point.value;
  if (v === null) return "null";
  if (Array.isArray(v)) return v.length === 0 ? "none" : v.join(", ");
  if (typeof v === "string" && point.raw !== undefined) return `${v} (${point.raw})`;
  return String(v);
}

function rows(points: Record<string, DecodedPoint>, indent: string): Row[] {
  // Scale factors are already applied to the values they scale: listing them would only add noise.
  return Object.entries(points)
    .filter(([name]) => !name.endsWith("_SF"))
    .map(([name, p]) => [`${indent}${name}`, formatValue(p), p.units ?? ""]);
}

function table(all: Row[]): string[] {
  const width = (i: 0 | 1) => Math.max(0, ...all.map((r) => r[i].length));
  const [w0, w1] = [width(0), width(1)];
  return all.map(([n, v, u]) => `  ${n.padEnd(w0)}  ${v.padEnd(w1)}  ${u}`.trimEnd());
}

function formatModel(model: DecodedModel): string[] {
  const head = `Model ${model.id} ${model.name} (${model.label}) at register ${model.address}, L = ${model.length}`;
  const all = rows(model.points, "");
  for (const [group, reps] of Object.entries(model.groups)) {
    reps.forEach((rep, i) => {
      all.push([`${group} ${i + 1}`, "", ""], ...rows(rep, "  "));
    });
  }
  return [head, ...table(all)];
}

/** The whole device: one table per decoded model, then the models we could not decode. */
export function formatDevice(device: SunspecDevice, where: string): string {
  const lines = [
    `SunSpec device ${where}, base register ${device.base}: ${Object.keys(device.models).length} model(s) decoded`,
  ];
  for (const model of Object.values(device.models)) lines.push("", ...formatModel(model));
  if (device.unknown.length > 0) {
    lines.push("", "Not decoded (no register map for these models):");
    for (const m of device.unknown) lines.push(`  model ${m.id} at register ${m.address}, L = ${m.length}`);
  }
  return `${lines.join("\n")}\n`;
}

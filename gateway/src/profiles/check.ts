/**
 * Every rule a profile must meet beyond its schema (STYLE.md habit 3: cross-field checks after the
 * schema), each problem named by its path. Errors make the profile unusable; warnings are worth fixing
 * but do not stop a device from being read.
 */
import type { Problem } from "@jisr/core";
import { checkFields } from "./check-fields.js";
import { checkLayout } from "./check-layout.js";
import { checkPoint } from "./check-points.js";
import { planReads } from "./plan.js";
import type { Profile } from "./profile.js";
import { isBitTable } from "./register-types.js";
import type { ProfileSpec } from "./schema.js";

export interface ProfileFindings {
  errors: Problem[];
  warnings: Problem[];
}

function checkIdentify(spec: ProfileSpec): Problem[] {
  const i = spec.identify;
  if (!i) return [];
  const problems: Problem[] = [];
  const text = i.type === "string";
  if (text && i.length === undefined)
    problems.push({ path: "identify.length", message: "a string needs its length" });
  if (!text && i.length !== undefined)
    problems.push({ path: "identify.length", message: "only a string has a length" });
  if (i.match !== undefined && !text) {
    problems.push({ path: "identify.match", message: `match compares strings; this reads a ${i.type}` });
  }
  if (i.equals !== undefined && typeof i.equals === "string" && !text) {
    problems.push({ path: "identify.equals", message: `a ${i.type} is compared with a number` });
  }
  if ((i.equals !== undefined && typeof i.equals === "number" && text) || (i.one_of && text)) {
    problems.push({
      path: "identify",
      message: "a string is compared with a string (equals) or a pattern (match)",
    });
  }
  if (isBitTable(i.table) && i.type !== "bool") {
    problems.push({ path: "identify.type", message: `a ${i.table} is one bit: use type bool` });
  }
  return problems;
}

/** Points tied together by scale registers that, together, are wider than one request. */
function checkClusters(profile: Profile): Problem[] {
  return planReads(profile.points, profile.read).flatMap((r) => {
    const limit = isBitTable(r.table) ? profile.read.max_bits : profile.read.max_registers;
    if (r.count <= limit) return [];
    const i = profile.points.findIndex((p) => p.name === r.points[0]);
    return [
      {
        path: `points.${i}`,
        message: `${r.points.join(", ")} share scale registers but span ${r.count} registers: more than one request`,
      },
    ];
  });
}

/** Problems of a complete profile: its spec (for paths) and the same profile resolved. */
export function checkProfile(profile: Profile): ProfileFindings {
  const { spec, points } = profile;
  const perPoint = spec.points.flatMap((p, i) => checkPoint(p, i, points[i]?.table ?? "holding"));
  const layout = checkLayout(points, profile.read);
  const fields = checkFields(points);
  const clusters = layout.length === 0 ? checkClusters(profile) : [];
  return {
    errors: [...perPoint, ...layout, ...clusters, ...checkIdentify(spec), ...fields.errors],
    warnings: fields.warnings,
  };
}

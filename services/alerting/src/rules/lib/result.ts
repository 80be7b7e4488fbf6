/** Building RuleResults the same way in every rule. */
import type { Evidence, RuleId, RuleInput, RuleResult, Severity } from "../types.js";

/** Evidence value rounded to `digits` decimals (numbers are for people: no 0.30000000000000004). */
export function ev(value: number | string | boolean | string[], unit = "", digits = 1): Evidence {
  return { value: typeof value === "number" ? round(value, digits) : value, unit };
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export interface ResultParts {
  device: string;
  severity: Severity;
  active: boolean;
  /** Variant of the summary key: `<rule>.<variant>`; "ok" for an inactive result by convention. */
  variant: string;
  evidence: Record<string, Evidence>;
  /** Action key; defaults to "none" for an inactive result. */
  action?: string;
  params?: Record<string, string | number>;
  since?: number;
}

export function makeResult(input: RuleInput, rule: RuleId, p: ResultParts): RuleResult {
  const params = { institution: input.institution, device: p.device, ...p.params };
  return {
    rule,
    institution: input.institution,
    device: p.device,
    severity: p.severity,
    active: p.active,
    ...(p.since !== undefined && { since: p.since }),
    evidence: p.evidence,
    summary: { key: `${rule}.${p.variant}`, params },
    action: { key: p.action ?? "none", params },
  };
}

/** The "healthy" result of a rule for a device. */
export function okResult(
  input: RuleInput,
  rule: RuleId,
  device: string,
  severity: Severity,
  evidence: Record<string, Evidence> = {},
): RuleResult {
  return makeResult(input, rule, { device, severity, active: false, variant: "ok", evidence });
}

/** Per-rule timings: the rule's overrides on top of the defaults. */
import type { RuleTiming } from "../engine/types.js";
import type { AlertingConfig } from "./schema.js";

export function timingFor(timings: AlertingConfig["timings"]): (rule: string) => RuleTiming {
  const cache = new Map<string, RuleTiming>();
  return (rule) => {
    let t = cache.get(rule);
    if (!t) {
      const o = { ...timings.default, ...timings.rules[rule] };
      t = { forMs: o.for, keepFiringForMs: o.keep_firing_for, repeatIntervalMs: o.repeat_interval };
      cache.set(rule, t);
    }
    return t;
  };
}

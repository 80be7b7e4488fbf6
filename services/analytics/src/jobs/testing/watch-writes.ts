/**
 * The store itself (its class, so its hour statistics, kept or not) with every write also handed to
 * `onWrite`: what the job wrote, seen by the job suite and bench:analytics without a stand-in store (a
 * stand-in would have no hour statistics, and the job would read every minute instead).
 */
import type { Point } from "@jisr/core";
import type { Store } from "@jisr/core/store";

export function watchingWrites<S extends Store>(store: S, onWrite: (points: readonly Point[]) => void): S {
  return new Proxy(store, {
    get(target, key) {
      if (key === "write")
        return async (points: readonly Point[]) => {
          onWrite(points);
          await target.write(points);
        };
      // Bound to the store itself: its methods use private fields, which a proxy does not have.
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * An alert's identity across evaluations and restarts: the rule, the institution, the device and the part
 * of the device. Alertmanager hashes an alert's labels the same way; a hash keeps the key short and the
 * same whatever characters the parts hold.
 */
import { createHash } from "node:crypto";
import type { Condition } from "./types.js";

export type FingerprintParts = Pick<Condition, "rule" | "institution" | "device" | "subject">;

export function fingerprint(p: FingerprintParts): string {
  // A separator that cannot occur in ids keeps ("a-b", "c") apart from ("a", "b-c").
  const text = [p.rule, p.institution, p.device, p.subject ?? ""].join("\u0000");
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, 16);
}

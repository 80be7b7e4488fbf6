/**
 * The alerting config from an inventory (core/src/inventory) and this service's own settings file
 * (evaluation interval, state file, delivery, API tokens, rules: everything that is not an institution).
 * The institutions, and the recipients the inventory's contacts make, are merged into the settings and
 * the whole is read by this service's loader, so every check of alerting.yaml still holds.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ValidationError } from "@jisr/core/errors";
import type { Inventory } from "@jisr/core/inventory";
import { deriveAlerting, loadInventory } from "@jisr/core/inventory";
import { parse, stringify } from "yaml";
import { type LoadOptions, parseAlertingConfig } from "./load.js";
import type { AlertingConfig } from "./schema.js";

export function alertingConfigFromInventory(
  inventory: Inventory,
  settings: { text?: string; source?: string; baseDir?: string; env?: LoadOptions["env"] } = {},
): AlertingConfig {
  const subject = `alerting settings${settings.source ? ` ${settings.source}` : ""}`;
  let raw: unknown;
  try {
    raw = parse(settings.text ?? "") ?? {};
  } catch (err) {
    throw new ValidationError(subject, [{ path: "(yaml)", message: (err as Error).message }]);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new ValidationError(subject, [{ path: "(root)", message: "must be a mapping of settings" }]);
  if ("institutions" in raw)
    throw new ValidationError(subject, [
      { path: "institutions", message: "comes from the inventory: remove it from the settings file" },
    ]);
  const derived = deriveAlerting(inventory);
  const given = (raw as { recipients?: unknown[] }).recipients ?? [];
  const merged = {
    ...raw,
    institutions: derived.institutions,
    recipients: [...given, ...derived.recipients],
  };
  return parseAlertingConfig(stringify(merged), {
    source: `${settings.source ?? "(no settings file)"} + inventory ${inventory.dir}`,
    baseDir: settings.baseDir ?? process.cwd(),
    ...(settings.env && { env: settings.env }),
  });
}

/** Reads the inventory folder and, when given, the settings file (relative paths: relative to it). */
export function loadAlertingFromInventory(
  dir: string,
  settingsPath?: string,
  env?: LoadOptions["env"],
): AlertingConfig {
  const inventory = loadInventory(dir);
  if (settingsPath === undefined) return alertingConfigFromInventory(inventory, env ? { env } : {});
  let text: string;
  try {
    text = readFileSync(settingsPath, "utf8");
  } catch (err) {
    throw new ValidationError(`alerting settings ${settingsPath}`, [
      { path: "(file)", message: `cannot read: ${(err as Error).message}` },
    ]);
  }
  return alertingConfigFromInventory(inventory, {
    text,
    source: settingsPath,
    baseDir: dirname(resolve(settingsPath)),
    ...(env && { env }),
  });
}

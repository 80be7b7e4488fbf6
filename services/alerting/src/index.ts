// @jisr/alerting: alerts technicians can act on. See README.md.

export { JisrError } from "@jisr/core/errors";
export { type AppOptions, buildApp } from "./app.js";
export { registerAlertingCommands } from "./cli.js";
export {
  AlertingApiError,
  type AlertingClient,
  type AlertingClientOptions,
  AlertingUnavailableError,
  type AlertQuery,
  alertingClient,
} from "./client.js";
export { alertingConfigFromInventory, loadAlertingFromInventory } from "./config/from-inventory.js";
export { loadAlertingConfig, parseAlertingConfig } from "./config/load.js";
export {
  type AlertingConfig,
  type AlertingConfigInput,
  alertingConfigSchema,
  LANGUAGES,
  type Language,
} from "./config/schema.js";
export { Dispatcher } from "./delivery/dispatcher.js";
export { renderMessage } from "./delivery/render.js";
export { evaluate } from "./engine/lifecycle.js";
export { planNotifications } from "./engine/notify-plan.js";
export { recordEvaluation } from "./engine/record.js";
export {
  ALERT_STATES,
  type Alert,
  type Condition,
  type Notification,
  type RuleTiming,
  SEVERITIES,
  type Silence,
} from "./engine/types.js";
export { ERR } from "./errors.js";
export type { EvaluationReport } from "./evaluation.js";
export { type AlertJson, alertSchema } from "./schemas/alerts.js";
export { type AlertingService, type StartAlertingOptions, startAlerting } from "./service.js";
export { AlertStore } from "./store/alert-store.js";

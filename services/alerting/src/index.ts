// @jisr/alerting: alerts technicians can act on. See README.md.

export { type AppOptions, buildApp } from "./app.js";
export { type CliIo, registerAlertingCommands } from "./cli.js";
export { loadAlertingConfig, parseAlertingConfig } from "./config/load.js";
export { type AlertingConfig, type AlertingConfigInput, alertingConfigSchema } from "./config/schema.js";
export { Dispatcher } from "./delivery/dispatcher.js";
export { renderMessage } from "./delivery/render.js";
export { evaluate } from "./engine/lifecycle.js";
export { planNotifications } from "./engine/notify-plan.js";
export { recordEvaluation } from "./engine/record.js";
export type { Alert, Condition, Notification, RuleTiming, Silence } from "./engine/types.js";
export { ERR, JisrError } from "./errors.js";
export type { EvaluationReport } from "./evaluation.js";
export { type AlertingService, type StartAlertingOptions, startAlerting } from "./service.js";
export { AlertStore } from "./store/alert-store.js";

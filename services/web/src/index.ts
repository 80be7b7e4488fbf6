/**
 * @jisr/web: the web page and API for people. Users, roles and sessions (users/, auth/, plugins/app/
 * access.ts), the programme and institution views, alerts with acknowledgement, report downloads, in
 * French, Arabic and English (public/); and the Grafana isolation per institution (grafana-isolation/).
 */
export { buildWebApp, type WebAppOptions } from "./app.js";
export { type CliIo, registerWebCommands, type WebCliOptions } from "./cli.js";
export { Directory } from "./data/directory.js";
export { institutionSummary } from "./data/summary.js";
export { generateIsolation } from "./grafana-isolation/generate.js";
export { type LibraryReportsOptions, libraryReports } from "./reports/library.js";
export type { RenderedReport, ReportRequest, ReportsPort } from "./reports/port.js";
export { DEFAULT_LOGIN_LIMITS, type LoginLimits } from "./routes/session/index.js";
export { webAlertListSchema } from "./schemas/alerts.js";
export { errorBodySchema } from "./schemas/common.js";
export { institutionListSchema, summarySchema } from "./schemas/institutions.js";
export { programmeSummarySchema } from "./schemas/programme.js";
export { loginResponseSchema, type MeJson } from "./schemas/session.js";
export { type StartWebOptions, startWeb, type WebServer } from "./server.js";
export { addApiToken, addUser, type NewUser, readUsersFile } from "./users/file.js";
export { hashPassword, verifyPassword } from "./users/password.js";
export { LANGUAGES, ROLES, type Role, type User, usersJsonSchema } from "./users/schema.js";

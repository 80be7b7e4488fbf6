/** Where the tests find the repository's inventory and the pre-inventory files it replaces. */
import { fileURLToPath } from "node:url";

export const DEPLOY_INVENTORY = fileURLToPath(new URL("../../../../deploy/inventory", import.meta.url));
export const LEGACY_INSTITUTIONS = fileURLToPath(new URL("./legacy/institutions.yaml", import.meta.url));
export const LEGACY_ALERTING = fileURLToPath(new URL("./legacy/alerting.yaml", import.meta.url));
export const LEGACY_GATEWAY = fileURLToPath(new URL("./legacy/gateway.compose.yaml", import.meta.url));

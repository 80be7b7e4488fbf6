/**
 * The ingestion token registry, through this one line: the registry may move into the shared service
 * kit (services/kit), and then only this import changes.
 */
export { addToken } from "@jisr/service-kit";

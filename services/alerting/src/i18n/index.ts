/**
 * The three catalogues, by language. The texts live in @jisr/core/alert-texts so the gateway raises its
 * local alerts with the same words without loading this service (issue 13); this folder re-exports them
 * and keeps the test that holds them to this service's rules (i18n.test.ts).
 */
export type { Catalogue } from "@jisr/core/alert-texts";
export { CATALOGUES, catalogue } from "@jisr/core/alert-texts";

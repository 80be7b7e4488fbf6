/** The shape of a message catalogue: in @jisr/core/alert-texts, shared with the gateway's local alerts. */
export type { Catalogue } from "@jisr/core/alert-texts";

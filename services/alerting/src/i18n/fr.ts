/** The fr catalogue: its texts live in @jisr/core/alert-texts (shared with the gateway's local alerts). */
export { fr } from "@jisr/core/alert-texts";

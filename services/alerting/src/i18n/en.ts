/** The en catalogue: its texts live in @jisr/core/alert-texts (shared with the gateway's local alerts). */
export { en } from "@jisr/core/alert-texts";

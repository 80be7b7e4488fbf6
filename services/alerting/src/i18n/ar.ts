/** The ar catalogue: its texts live in @jisr/core/alert-texts (shared with the gateway's local alerts). */
export { ar } from "@jisr/core/alert-texts";

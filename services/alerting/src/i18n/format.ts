/** Filling the catalogue's templates: in @jisr/core/alert-texts, shared with the gateway's local alerts. */
export {
  evidenceName,
  fillTemplate,
  formatInstant,
  formatNumber,
  formatQuantity,
  formatSpan,
  text,
} from "@jisr/core/alert-texts";

/**
 * Whether a figure's source is marked provisional: the configuration's confidence tags, U (unverified
 * placeholder) and C (third party, to confirm), lead the text ("U: placeholder. Confirm with ONEE...").
 * The inventory adds the tag for `provisional: true`; the reports read it and print a neutral note.
 */
export function isProvisionalSource(source: string): boolean {
  return /^\s*[UC]\s*[:\-–]/.test(source);
}

/**
 * The one error catalogue of the reports library (as services/alerting/src/errors.ts): each error a
 * caller can show has a stable `JISR_ERR_*` code and the HTTP status the report endpoint should answer.
 */
export class ReportError extends Error {
  readonly code: string;
  readonly statusCode: number;

  constructor(code: string, statusCode: number, message: string) {
    super(message);
    this.name = "ReportError";
    this.code = code;
    this.statusCode = statusCode;
  }
}

type Factory<A extends unknown[]> = ((...args: A) => ReportError) & { code: string; statusCode: number };

function entry<A extends unknown[]>(
  code: string,
  statusCode: number,
  message: (...args: A) => string,
): Factory<A> {
  return Object.assign((...args: A) => new ReportError(code, statusCode, message(...args)), {
    code,
    statusCode,
  });
}

export const ERR = {
  INVALID_PERIOD: entry(
    "JISR_ERR_INVALID_PERIOD",
    400,
    (text: string) =>
      `"${text}" is not a period: give a month (2026-10), a quarter (2026-Q4) or a year (2026)`,
  ),
  UNKNOWN_INSTITUTION: entry(
    "JISR_ERR_UNKNOWN_INSTITUTION",
    404,
    (id: string, known: readonly string[]) =>
      `No institution "${id}" in the institutions file; known: ${known.join(", ") || "(none)"}`,
  ),
  UNKNOWN_FORMAT: entry(
    "JISR_ERR_UNKNOWN_FORMAT",
    400,
    (format: string) => `"${format}" is not a report format: give pdf, xlsx or csv`,
  ),
  UNKNOWN_LANGUAGE: entry(
    "JISR_ERR_UNKNOWN_LANGUAGE",
    400,
    (lang: string) => `"${lang}" is not a report language: give fr, ar or en`,
  ),
} as const;

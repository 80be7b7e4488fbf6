import type { z } from "zod";

/** One problem in a validated input, named by its path (`devices.2.port`) so a user can find it. */
export interface Problem {
  path: string;
  message: string;
}

/** Flattens zod issues into `path: message` problems, every one of them (not only the first). */
export function problemsOf(error: z.ZodError, prefix: (string | number)[] = []): Problem[] {
  return error.issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))]),
    message: issue.message,
  }));
}

export function formatPath(path: (string | number)[]): string {
  return path.length === 0 ? "(root)" : path.join(".");
}

export function formatProblems(problems: Problem[]): string {
  return problems.map((p) => `  - ${p.path}: ${p.message}`).join("\n");
}

/** Thrown when a config file or other input does not validate; carries every problem found. */
export class ValidationError extends Error {
  readonly problems: Problem[];
  constructor(subject: string, problems: Problem[]) {
    super(`${subject} is not valid:\n${formatProblems(problems)}`);
    this.name = "ValidationError";
    this.problems = problems;
  }
}

/** One problem of a refused request: where and why, and for a batch which point (and line) it is. */
export interface RequestProblem extends Problem {
  /** 0-based position of the point in the batch. */
  index?: number;
  /** 1-based line of a line-protocol body. */
  line?: number;
}

/**
 * An error a service's client sees: a stable `JISR_ERR_*` code, an HTTP status and a message that names
 * its subject and says what to do. Each service keeps its own catalogue (`ERR`, made with `errorEntry`);
 * its error handler turns a JisrError into `{ error: { code, message, problems? } }`.
 */
export class JisrError extends Error {
  readonly code: string;
  readonly statusCode: number;
  /** Per-field or per-point problems, listed in the response body. */
  problems?: RequestProblem[];
  /** Seconds, sent as `Retry-After` (429, 503). */
  retryAfterSeconds?: number;

  constructor(code: string, statusCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "JisrError";
    this.code = code;
    this.statusCode = statusCode;
  }
}

/** A catalogue entry: call it for the error; its code and status are readable without one. */
export type ErrorFactory<A extends unknown[]> = ((...args: A) => JisrError) & {
  code: string;
  statusCode: number;
};

export function errorEntry<A extends unknown[]>(
  code: string,
  statusCode: number,
  message: (...args: A) => string,
): ErrorFactory<A> {
  return Object.assign((...args: A) => new JisrError(code, statusCode, message(...args)), {
    code,
    statusCode,
  });
}

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

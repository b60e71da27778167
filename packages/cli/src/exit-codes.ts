/** The CLI's exit codes: scripts branch on these (README, "Exit codes"). */
export const EXIT = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  NOT_FOUND: 3,
  CONFLICT: 4,
  NEEDS_APPROVAL: 5,
} as const;
export type TExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * The exit code for an HTTP error status: 400 (a bad request body or query) is a usage
 * error, 404 not found, 409 and 412 (the object's state or version does not allow it, or
 * nothing fits) a conflict; everything else (401, 403, 422, 429 after retries, 5xx) is 1.
 */
export function exitCodeForStatus(status: number): TExitCode {
  if (status === 400) return EXIT.USAGE;
  if (status === 404) return EXIT.NOT_FOUND;
  if (status === 409 || status === 412) return EXIT.CONFLICT;
  return EXIT.ERROR;
}

/** An error the CLI reports in one message (plus field errors) and exits with its code; never a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: TExitCode = EXIT.ERROR,
    readonly fieldErrors: Record<string, string[]> | null = null,
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Lines for stderr: the message, each field's errors, and the request id to quote. */
export function formatError(error: CliError): string {
  const lines = [`error: ${error.message}`];
  for (const [field, messages] of Object.entries(error.fieldErrors ?? {})) {
    for (const message of messages) lines.push(`  ${field}: ${message}`);
  }
  if (error.requestId) lines.push(`  (request id ${error.requestId})`);
  return lines.join("\n");
}

/**
 * A problem with the database set-up that a person must fix (bad URL, unreachable server,
 * locked data directory, edited migration). The message is one line that names the
 * problem; command-line entry points print it without a stack trace and exit non-zero.
 */
export class DatabaseSetupError extends Error {
  readonly code: TDatabaseSetupErrorCode;

  constructor(code: TDatabaseSetupErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DatabaseSetupError";
    this.code = code;
  }
}

export type TDatabaseSetupErrorCode =
  | "INVALID_URL"
  | "UNREACHABLE"
  | "DATA_DIR_LOCKED"
  | "DATA_DIR_CORRUPT"
  | "MIGRATION_CHANGED"
  | "MIGRATION_FAILED"
  | "SEED_FAILED";

export {
  AUDIT_GENESIS_HASH,
  appendAuditEvent,
  appendAuditEvents,
  canonicalJson,
  hashAuditEvent,
  type TAuditEventsVerification,
  type TAuditInput,
  type TAuditVerification,
  verifyAuditChain,
  verifyAuditEvents,
} from "./audit.ts";
export { createDb, type Db, getDb, getPrisma } from "./client.ts";
export {
  describeDatabase,
  redactUrl,
  resolveDatabaseConfig,
  resolveDataDir,
  type TDatabaseConfig,
} from "./config.ts";
export { classifyDatabaseError, type TDatabaseErrorKind } from "./database-errors.ts";
export { DatabaseSetupError } from "./errors.ts";
export * from "./generated/prisma/client.ts";
export type { TListener, TListenHandlers } from "./listen.ts";
export { getMigrationStatus, migrate, type TMigrationStatus } from "./migrate.ts";
export { hashPassword, verifyPassword } from "./password.ts";

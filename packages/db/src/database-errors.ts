/**
 * What a database error means for the request that caused it, read from Prisma's error (and
 * the driver adapter's cause under it) without its text: services and the API map the kind
 * to their own errors, so no Prisma or PostgreSQL message ever reaches a client.
 */
export type TDatabaseErrorKind =
  /** A unique constraint: the row exists already. `fields` are the constraint's columns. */
  | { kind: "unique"; table: string | null; fields: string[] }
  /** A foreign key: the row refers to one that does not exist (or is still referred to). */
  | { kind: "foreignKey"; table: string | null; field: string | null }
  /** The row to update or delete does not exist. */
  | { kind: "notFound"; table: string | null }
  /** A value the column or its index cannot take: too long, out of range, bad encoding. */
  | { kind: "invalidValue"; table: string | null; reason: TInvalidValueReason }
  /** The database cannot be reached now (restarting, down, connections exhausted). */
  | { kind: "unavailable" }
  /** A serialisation failure or deadlock: the same request may succeed if tried again. */
  | { kind: "retry" };

export type TInvalidValueReason = "tooLong" | "outOfRange" | "encoding" | "invalid";

type TAdapterCause = {
  kind?: string;
  originalCode?: string;
  code?: string;
  constraint?: { index?: string; fields?: string[] };
  table?: string;
};

type TPrismaLike = {
  name?: string;
  code?: string;
  errorCode?: string;
  meta?: {
    modelName?: string;
    target?: unknown;
    field_name?: string;
    driverAdapterError?: { cause?: TAdapterCause };
  };
  cause?: unknown;
};

const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "DatabaseDoesNotExist",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);
/** PostgreSQL SQLSTATEs of a server going away or refusing connections (57P01 admin shutdown …). */
const UNAVAILABLE_SQLSTATES = new Set([
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08003",
  "08006",
  "08001",
  "08004",
  "53300",
]);
const UNAVAILABLE_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND"]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|Client has encountered a connection error|connection is closed|Can't reach database server|terminating connection due to administrator command|the database system is (starting up|shutting down)|timeout exceeded when trying to connect/i;

/** SQLSTATE classes of bad values: 22 data exception, 54000 program limit (index row size). */
function invalidValueReason(sqlState: string): TInvalidValueReason | null {
  if (sqlState === "22001" || sqlState === "54000") return "tooLong";
  if (sqlState === "22003" || sqlState === "22008" || sqlState === "22009" || sqlState === "22007")
    return "outOfRange";
  if (sqlState === "22021" || sqlState === "22P05") return "encoding";
  if (sqlState.startsWith("22")) return "invalid";
  return null;
}

/** `Quota_teamId_fkey` -> teamId; `Team_slug_key` -> [slug]; `Workload_teamId_clientKey_key` -> [teamId, clientKey]. */
function fieldsOfConstraint(
  index: string | undefined,
  table: string | null,
  suffix: "fkey" | "key",
): string[] {
  if (!index) return [];
  let name = index;
  if (table && name.startsWith(`${table}_`)) name = name.slice(table.length + 1);
  if (name.endsWith(`_${suffix}`)) name = name.slice(0, -suffix.length - 1);
  return name.split("_").filter(Boolean);
}

/** The kind of a database error, or null for anything that is not one (a bug: a 500). */
export function classifyDatabaseError(error: unknown): TDatabaseErrorKind | null {
  if (!error || typeof error !== "object") return null;
  const e = error as TPrismaLike;
  const code = e.code ?? e.errorCode;
  const adapter =
    e.meta?.driverAdapterError?.cause ??
    (e.name === "DriverAdapterError" ? (e.cause as TAdapterCause) : undefined);
  const table = e.meta?.modelName ?? adapter?.table ?? null;
  const sqlState = adapter?.originalCode ?? (typeof adapter?.code === "string" ? adapter.code : undefined);

  if (code === "P2002" || adapter?.kind === "UniqueConstraintViolation") {
    const target = e.meta?.target;
    const fields = Array.isArray(target)
      ? target.map(String)
      : (adapter?.constraint?.fields ?? fieldsOfConstraint(adapter?.constraint?.index, table, "key"));
    return { kind: "unique", table, fields };
  }
  if (code === "P2003" || adapter?.kind === "ForeignKeyConstraintViolation") {
    const field =
      e.meta?.field_name ??
      adapter?.constraint?.fields?.[0] ??
      fieldsOfConstraint(adapter?.constraint?.index, table, "fkey")[0] ??
      null;
    return { kind: "foreignKey", table, field };
  }
  if (code === "P2025" || code === "P2015" || code === "P2018") return { kind: "notFound", table };
  if (code === "P2000" || adapter?.kind === "LengthMismatch")
    return { kind: "invalidValue", table, reason: "tooLong" };
  if (code === "P2020" || code === "P2033" || adapter?.kind === "ValueOutOfRange")
    return { kind: "invalidValue", table, reason: "outOfRange" };
  if (
    code === "P2034" ||
    adapter?.kind === "TransactionWriteConflict" ||
    sqlState === "40001" ||
    sqlState === "40P01"
  )
    return { kind: "retry" };
  if (
    (code && UNAVAILABLE_PRISMA_CODES.has(code)) ||
    (adapter?.kind && UNAVAILABLE_ADAPTER_KINDS.has(adapter.kind)) ||
    (sqlState && UNAVAILABLE_SQLSTATES.has(sqlState)) ||
    e.name === "PrismaClientInitializationError"
  )
    return { kind: "unavailable" };
  if (sqlState) {
    const reason = invalidValueReason(sqlState);
    if (reason) return { kind: "invalidValue", table, reason };
  }
  if (
    code === "P2006" ||
    code === "P2007" ||
    code === "P2009" ||
    code === "P2012" ||
    code === "P2019" ||
    code === "P2023"
  )
    return { kind: "invalidValue", table, reason: "invalid" };
  // A driver error outside Prisma's wrapping: a socket closed, a server going down.
  const socketCode = (error as { code?: unknown }).code;
  if (typeof socketCode === "string" && UNAVAILABLE_SOCKET_CODES.has(socketCode))
    return { kind: "unavailable" };
  if (error instanceof Error && UNAVAILABLE_MESSAGES.test(error.message)) return { kind: "unavailable" };
  if (error instanceof Error && error.cause && error.cause !== error)
    return classifyDatabaseError(error.cause);
  return null;
}

import type { Prisma } from "@switchyard/db";
import { AppError } from "../errors.ts";

/** Estate tables whose rows carry an ETag (derived from their `updatedAt`). */
export type TEtagTable = "Site" | "GpuNode" | "Dataset" | "Team";

const LABELS: Record<TEtagTable, string> = {
  Site: "site",
  GpuNode: "node",
  Dataset: "dataset",
  Team: "team",
};

/**
 * The HTTP preconditions of one REST request, handed to services through the context: the
 * `If-Match` tags a write must meet (checked inside its transaction, on the locked row), and
 * the ETag of what the write left, for the response. Console and tRPC calls carry none.
 */
export type THttpPreconditions = {
  /** Entity tags from If-Match ("*": any current version); null when the header is absent. */
  ifMatch: string[] | "*" | null;
  /** Set by the service: the ETag of the object after the write. */
  etag?: string;
};

/** A strong ETag of a row's version: its `updatedAt` in milliseconds, base 36, quoted. */
export function etagOf(updatedAt: Date): string {
  return `"${updatedAt.getTime().toString(36)}"`;
}

/** The entity tags of an If-Match / If-None-Match header; "*" for any. */
export function parseEntityTags(header: string | null): string[] | "*" | null {
  if (header === null) return null;
  if (header.trim() === "*") return "*";
  return header
    .split(",")
    .map((tag) => tag.trim())
    .filter((tag) => tag !== "");
}

async function lockedVersion(
  tx: Prisma.TransactionClient,
  table: TEtagTable,
  id: string,
): Promise<Date | null> {
  // Table names come from the closed TEtagTable union, never from input.
  const rows = await tx.$queryRawUnsafe<{ updatedAt: Date }[]>(
    `SELECT "updatedAt" FROM "${table}" WHERE "id" = $1 FOR UPDATE`,
    id,
  );
  return rows[0]?.updatedAt ?? null;
}

/**
 * Checks If-Match against the row as it is now, locking it for the rest of the transaction,
 * so no other write slips in between the check and this one. A missing row is left to the
 * service's own not-found error. Weak tags never match (RFC 9110 §13.1.1: strong comparison).
 */
export async function assertIfMatch(
  tx: Prisma.TransactionClient,
  http: THttpPreconditions | undefined,
  table: TEtagTable,
  id: string,
): Promise<void> {
  if (!http || http.ifMatch === null) return;
  const version = await lockedVersion(tx, table, id);
  if (!version || http.ifMatch === "*") return;
  const current = etagOf(version);
  if (http.ifMatch.includes(current)) return;
  const label = LABELS[table];
  throw new AppError(
    "PRECONDITION_FAILED",
    `${label} ${id}: If-Match ${http.ifMatch.join(", ")} ≠ ${current}`,
    {
      userMessage: `The ${label} changed since you read it (If-Match ${http.ifMatch.join(", ")}; its ETag is now ${current}). Nothing was changed: GET it again and retry with the new ETag.`,
      field: "If-Match",
    },
  );
}

/** Records the ETag the write left on the row, for the response's ETag header. */
export async function recordEtag(
  tx: Prisma.TransactionClient,
  http: THttpPreconditions | undefined,
  table: TEtagTable,
  id: string,
): Promise<void> {
  if (!http) return;
  const rows = await tx.$queryRawUnsafe<{ updatedAt: Date }[]>(
    `SELECT "updatedAt" FROM "${table}" WHERE "id" = $1`,
    id,
  );
  if (rows[0]) http.etag = etagOf(rows[0].updatedAt);
}

/** The current ETag of a row, or null when it does not exist. */
export async function currentEtag(
  prisma: Prisma.TransactionClient,
  table: TEtagTable,
  id: string,
): Promise<string | null> {
  const rows = await prisma.$queryRawUnsafe<{ updatedAt: Date }[]>(
    `SELECT "updatedAt" FROM "${table}" WHERE "id" = $1`,
    id,
  );
  return rows[0] ? etagOf(rows[0].updatedAt) : null;
}

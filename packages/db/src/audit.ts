import { createHash } from "node:crypto";
import type { Prisma } from "./generated/prisma/client.ts";

/** Serialises appends to the chain: each event's prevHash is the hash of the one before. */
const AUDIT_CHAIN_LOCK_KEY = 7_301_001;
export const AUDIT_GENESIS_HASH = "0".repeat(64);

export type TAuditInput = {
  actorId?: string | null;
  actorLabel: string;
  action: string;
  objectType: string;
  objectId: string;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
};

type TAuditHashed = Required<Omit<TAuditInput, "before" | "after">> & {
  before: unknown;
  after: unknown;
  createdAt: Date;
};

/** JSON with sorted keys, BigInt as string: the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return v.toString();
    if (v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
      );
    }
    return v;
  });
}

export function hashAuditEvent(prevHash: string, event: TAuditHashed): string {
  const body = canonicalJson({
    actorId: event.actorId,
    actorLabel: event.actorLabel,
    action: event.action,
    objectType: event.objectType,
    objectId: event.objectId,
    before: event.before,
    after: event.after,
    requestId: event.requestId,
    createdAt: event.createdAt.toISOString(),
  });
  return createHash("sha256").update(prevHash).update(body).digest("hex");
}

/** JSON columns take plain JSON: BigInt becomes a string, Dates ISO strings. */
function toJson(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(canonicalJson(value)) as Prisma.InputJsonValue;
}

/**
 * Appends one event to the audit chain inside the caller's transaction, so the event
 * commits or rolls back with the change it describes.
 */
export async function appendAuditEvent(tx: Prisma.TransactionClient, input: TAuditInput): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`;
  const last = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
  const prevHash = last?.hash ?? AUDIT_GENESIS_HASH;
  const before = toJson(input.before);
  const after = toJson(input.after);
  const event: TAuditHashed = {
    actorId: input.actorId ?? null,
    actorLabel: input.actorLabel,
    action: input.action,
    objectType: input.objectType,
    objectId: input.objectId,
    before: before ?? null,
    after: after ?? null,
    requestId: input.requestId ?? null,
    // Milliseconds only: the column is TIMESTAMP(3), and the hash must survive a round trip.
    createdAt: new Date(),
  };
  await tx.auditEvent.create({
    data: {
      actorId: event.actorId,
      actorLabel: event.actorLabel,
      action: event.action,
      objectType: event.objectType,
      objectId: event.objectId,
      before,
      after,
      requestId: event.requestId,
      prevHash,
      hash: hashAuditEvent(prevHash, event),
      createdAt: event.createdAt,
    },
  });
}

type TStoredAuditEvent = Omit<TAuditHashed, "before" | "after"> & {
  before: unknown;
  after: unknown;
  prevHash: string;
  hash: string;
};

/** The hash a stored event should carry, chained after prevHash. */
function recomputeHash(prevHash: string, event: TStoredAuditEvent): string {
  return hashAuditEvent(prevHash, {
    actorId: event.actorId,
    actorLabel: event.actorLabel,
    action: event.action,
    objectType: event.objectType,
    objectId: event.objectId,
    before: event.before ?? null,
    after: event.after ?? null,
    requestId: event.requestId,
    createdAt: event.createdAt,
  });
}

const EDITED = "its content does not match its hash (the event was edited)";

export type TAuditVerification =
  | { ok: true; checked: number }
  | { ok: false; checked: number; firstBroken: { seq: bigint; reason: string } };

/**
 * Walks the whole chain in order and recomputes every hash: an edited event changes its
 * hash, a deleted or reordered one breaks the prevHash link. Reports the first broken link.
 */
export async function verifyAuditChain(
  prisma: Pick<Prisma.TransactionClient, "auditEvent">,
  batchSize = 2_000,
): Promise<TAuditVerification> {
  let prevHash = AUDIT_GENESIS_HASH;
  let checked = 0;
  let after: bigint | undefined;
  for (;;) {
    const events = await prisma.auditEvent.findMany({
      where: after === undefined ? {} : { seq: { gt: after } },
      orderBy: { seq: "asc" },
      take: batchSize,
    });
    for (const event of events) {
      if (event.prevHash !== prevHash) {
        return {
          ok: false,
          checked,
          firstBroken: {
            seq: event.seq,
            reason:
              "its link to the previous event is broken (an event before it was deleted, inserted or reordered)",
          },
        };
      }
      if (recomputeHash(prevHash, event) !== event.hash) {
        return {
          ok: false,
          checked,
          firstBroken: {
            seq: event.seq,
            reason: EDITED,
          },
        };
      }
      prevHash = event.hash;
      checked++;
    }
    if (events.length < batchSize) return { ok: true, checked };
    after = events.at(-1)?.seq;
  }
}

export type TAuditEventsVerification = {
  ok: boolean;
  checked: number;
  broken: { seq: bigint; reason: string }[];
};

/**
 * Checks a few events where they sit in the chain, without walking all of it: each event's
 * content against its hash, its link to the event before it, and the link of the event after
 * it back to it (so an event edited together with its own hash is caught too). Two indexed
 * lookups per event, whatever the chain's length. What it cannot see: an event of the same
 * object deleted away from these; verifyAuditChain finds that.
 */
export async function verifyAuditEvents(
  prisma: Pick<Prisma.TransactionClient, "auditEvent">,
  seqs: bigint[],
): Promise<TAuditEventsVerification> {
  const events = await prisma.auditEvent.findMany({ where: { seq: { in: seqs } }, orderBy: { seq: "asc" } });
  const broken: TAuditEventsVerification["broken"] = [];
  for (const event of events) {
    const [previous, next] = await Promise.all([
      prisma.auditEvent.findFirst({
        where: { seq: { lt: event.seq } },
        orderBy: { seq: "desc" },
        select: { hash: true },
      }),
      prisma.auditEvent.findFirst({
        where: { seq: { gt: event.seq } },
        orderBy: { seq: "asc" },
        select: { prevHash: true },
      }),
    ]);
    if (recomputeHash(event.prevHash, event) !== event.hash) broken.push({ seq: event.seq, reason: EDITED });
    else if (event.prevHash !== (previous?.hash ?? AUDIT_GENESIS_HASH))
      broken.push({
        seq: event.seq,
        reason:
          "its link to the previous event is broken (an event before it was deleted, inserted or edited)",
      });
    else if (next && next.prevHash !== event.hash)
      broken.push({
        seq: event.seq,
        reason: "the event after it does not link to it (it was replaced, or the event after it deleted)",
      });
  }
  return { ok: broken.length === 0, checked: events.length, broken };
}

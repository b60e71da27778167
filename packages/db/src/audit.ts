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

/** NUL (PostgreSQL text and jsonb refuse it) and lone UTF-16 surrogates (UTF-8 cannot hold them). */
const UNSTORABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters to replace.
  /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text exactly as PostgreSQL stores it: a lone surrogate would be written as U+FFFD by the
 * UTF-8 encoder (and NUL refused), so the stored event would differ from the hashed one
 * and the chain would read as broken for good. Both become U+FFFD before hashing.
 */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE, "\uFFFD");
}

/** A parsed JSON value with every text (object keys too) in its storable form. */
function storableJson(value: unknown): unknown {
  if (typeof value === "string") return storableText(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storableJson(v)]));
  return value;
}

/** JSON columns take plain JSON: BigInt becomes a string, Dates ISO strings, text storable. */
function toJson(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return storableJson(JSON.parse(canonicalJson(value))) as Prisma.InputJsonValue;
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
  // The event is hashed exactly as it will be stored: every text in its storable form.
  const event: TAuditHashed = {
    actorId: input.actorId ?? null,
    actorLabel: storableText(input.actorLabel),
    action: storableText(input.action),
    objectType: storableText(input.objectType),
    objectId: storableText(input.objectId),
    before: before ?? null,
    after: after ?? null,
    requestId: input.requestId == null ? null : storableText(input.requestId),
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

/**
 * Appends several events to the chain inside the caller's transaction, in the order given:
 * one lock, one read of the chain's end and one multi-row insert, however many events (a
 * loop committing a round of placements writes a few per workload). The chain is the same as
 * appending them one by one.
 */
export async function appendAuditEvents(tx: Prisma.TransactionClient, inputs: readonly TAuditInput[]) {
  if (inputs.length === 0) return;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`;
  const last = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
  let prevHash = last?.hash ?? AUDIT_GENESIS_HASH;
  const createdAt = new Date();
  const rows = inputs.map((input) => {
    const before = toJson(input.before);
    const after = toJson(input.after);
    const event: TAuditHashed = {
      actorId: input.actorId ?? null,
      actorLabel: storableText(input.actorLabel),
      action: storableText(input.action),
      objectType: storableText(input.objectType),
      objectId: storableText(input.objectId),
      before: before ?? null,
      after: after ?? null,
      requestId: input.requestId == null ? null : storableText(input.requestId),
      createdAt,
    };
    const hash = hashAuditEvent(prevHash, event);
    const row = { ...event, before, after, prevHash, hash };
    prevHash = hash;
    return row;
  });
  // One INSERT: its rows take their seq in the order listed (sorted by ordinality before the
  // sequence is drawn), so the chain reads in this order. Plain SQL over arrays: the query
  // builder compiles a new plan for every number of rows, which cost more than the insert.
  const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
  const json = (value: Prisma.InputJsonValue | undefined) =>
    value === undefined ? null : JSON.stringify(value);
  await tx.$executeRaw`
    INSERT INTO "AuditEvent" ("actorId", "actorLabel", "action", "objectType", "objectId", "before", "after",
                              "requestId", "prevHash", "hash", "createdAt")
    SELECT e."actorId", e."actorLabel", e."action", e."objectType", e."objectId", e."before"::jsonb, e."after"::jsonb,
           e."requestId", e."prevHash", e."hash", ${createdAt.toISOString()}::timestamp(3)
      FROM unnest(
        ${column((r) => r.actorId)}::text[],
        ${column((r) => r.actorLabel)}::text[],
        ${column((r) => r.action)}::text[],
        ${column((r) => r.objectType)}::text[],
        ${column((r) => r.objectId)}::text[],
        ${column((r) => json(r.before))}::text[],
        ${column((r) => json(r.after))}::text[],
        ${column((r) => r.requestId)}::text[],
        ${column((r) => r.prevHash)}::text[],
        ${column((r) => r.hash)}::text[]
      ) WITH ORDINALITY AS e("actorId", "actorLabel", "action", "objectType", "objectId", "before", "after",
                             "requestId", "prevHash", "hash", "ord")
     ORDER BY e."ord"`;
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

const UNLINKED =
  "its link to the previous event is broken (an event before it was deleted, inserted or reordered)";

/** At most this many broken events are listed; `brokenCount` counts them all. */
export const MAX_BROKEN_LISTED = 1_000;

export type TAuditVerification = {
  ok: boolean;
  checked: number;
  /** Every broken event in chain order (the first MAX_BROKEN_LISTED). */
  broken: { seq: bigint; reason: string }[];
  brokenCount: number;
};

/**
 * Walks the whole chain in order and checks every event on its own: its content against its
 * hash (an edited event), and its link to the stored event before it (a deleted, inserted or
 * reordered one). One break never hides another: an edited event is reported, and so is
 * every later break, since each event is checked against what is stored, not against a hash
 * recomputed along the way.
 */
export async function verifyAuditChain(
  prisma: Pick<Prisma.TransactionClient, "auditEvent">,
  batchSize = 2_000,
): Promise<TAuditVerification> {
  let prevHash = AUDIT_GENESIS_HASH;
  let checked = 0;
  let brokenCount = 0;
  const broken: TAuditVerification["broken"] = [];
  const report = (seq: bigint, reason: string) => {
    brokenCount++;
    if (broken.length < MAX_BROKEN_LISTED) broken.push({ seq, reason });
  };
  let after: bigint | undefined;
  for (;;) {
    const events = await prisma.auditEvent.findMany({
      where: after === undefined ? {} : { seq: { gt: after } },
      orderBy: { seq: "asc" },
      take: batchSize,
    });
    for (const event of events) {
      if (recomputeHash(event.prevHash, event) !== event.hash) report(event.seq, EDITED);
      else if (event.prevHash !== prevHash) report(event.seq, UNLINKED);
      prevHash = event.hash;
      checked++;
    }
    if (events.length < batchSize) return { ok: brokenCount === 0, checked, broken, brokenCount };
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

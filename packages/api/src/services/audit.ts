import { type Prisma, type PrismaClient, verifyAuditChain } from "@switchyard/db";
import { encodeKeysetCursor, pageArgs, toPage } from "../lib/pagination.ts";
import type { TListAuditInput } from "../router/audit/audit.schema.ts";

export async function listAuditEvents(prisma: PrismaClient, input: TListAuditInput) {
  const where: Prisma.AuditEventWhereInput = {
    ...(input.objectType ? { objectType: input.objectType } : {}),
    ...(input.objectId ? { objectId: input.objectId } : {}),
    ...(input.action ? { action: { startsWith: input.action } } : {}),
    ...(input.search
      ? {
          OR: [
            { actorLabel: { contains: input.search, mode: "insensitive" } },
            { objectId: { contains: input.search, mode: "insensitive" } },
          ],
        }
      : {}),
  };
  if (input.cursor === undefined) {
    const { cursor: _none, ...paging } = input;
    const [total, events] = await Promise.all([
      prisma.auditEvent.count({ where }),
      prisma.auditEvent.findMany({ where, orderBy: { seq: input.direction }, ...pageArgs(paging) }),
    ]);
    const rows = events.map((e) => ({ ...e, seq: e.seq.toString() }));
    const page = toPage(rows, total, paging);
    const last = events.at(-1);
    return { ...page, nextCursor: page.nextCursor && last ? encodeKeysetCursor(last.seq) : null };
  }
  // Keyset: the events after the cursor's seq in the list's direction, one extra to know
  // whether another page follows.
  const size = input.limit ?? input.pageSize;
  const after: Prisma.AuditEventWhereInput = {
    AND: [where, { seq: input.direction === "desc" ? { lt: input.cursor } : { gt: input.cursor } }],
  };
  const [total, remaining, events] = await Promise.all([
    prisma.auditEvent.count({ where }),
    prisma.auditEvent.count({ where: after }),
    prisma.auditEvent.findMany({ where: after, orderBy: { seq: input.direction }, take: size + 1 }),
  ]);
  const shown = events.slice(0, size);
  const last = shown.at(-1);
  return {
    rows: shown.map((e) => ({ ...e, seq: e.seq.toString() })),
    total,
    page: Math.floor(Math.max(0, total - remaining) / size) + 1,
    pageSize: size,
    pages: Math.max(1, Math.ceil(total / size)),
    nextCursor: events.length > size && last ? encodeKeysetCursor(last.seq) : null,
    totalIsEstimate: false,
  };
}

/** The whole chain checked: every broken event, with why (seq as a string for JSON). */
export async function verifyAudit(prisma: PrismaClient) {
  const result = await verifyAuditChain(prisma);
  return { ...result, broken: result.broken.map((b) => ({ seq: b.seq.toString(), reason: b.reason })) };
}

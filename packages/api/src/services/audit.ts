import { type Prisma, type PrismaClient, verifyAuditChain } from "@switchyard/db";
import { pageArgs, toPage } from "../lib/pagination.ts";
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
  const [total, events] = await Promise.all([
    prisma.auditEvent.count({ where }),
    prisma.auditEvent.findMany({ where, orderBy: { seq: input.direction }, ...pageArgs(input) }),
  ]);
  const rows = events.map((e) => ({ ...e, seq: e.seq.toString() }));
  return toPage(rows, total, input);
}

/** The whole chain checked: every broken event, with why (seq as a string for JSON). */
export async function verifyAudit(prisma: PrismaClient) {
  const result = await verifyAuditChain(prisma);
  return { ...result, broken: result.broken.map((b) => ({ seq: b.seq.toString(), reason: b.reason })) };
}

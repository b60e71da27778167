import type { Prisma, PrismaClient } from "@switchyard/db";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TMutationContext } from "../lib/audited.ts";
import type { TSiteGroupInput, TSiteGroupUpdate } from "../router/fair-share/fair-share.schema.ts";

/**
 * Site groups: named sets of sites a team's guarantee can be scoped to (Quota.siteGroupId).
 * A quota with a group guarantees its GPUs on those sites only; the team may still borrow
 * elsewhere up to its limit.
 */
const SELECT = {
  id: true,
  slug: true,
  name: true,
  siteIds: true,
  createdAt: true,
  updatedAt: true,
  quotas: { select: { gpuModel: true, team: { select: { id: true, name: true } } } },
} as const;

type TRow = Prisma.SiteGroupGetPayload<{ select: typeof SELECT }>;

const notFound = (id: string, field = "id") =>
  new AppError("NOT_FOUND", `site group ${id} not found`, {
    userMessage: "This site group does not exist.",
    field,
  });

const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === "P2002";

/** The group with its sites' names (a site deleted since is dropped) and the quotas scoped to it. */
async function view(db: Prisma.TransactionClient | PrismaClient, rows: TRow[]) {
  const ids = [...new Set(rows.flatMap((r) => r.siteIds))];
  const sites = await db.site.findMany({
    where: { id: { in: ids } },
    select: { id: true, name: true, slug: true },
  });
  const byId = new Map(sites.map((s) => [s.id, s]));
  return rows.map(({ quotas, siteIds, ...group }) => ({
    ...group,
    sites: siteIds.flatMap((id) => byId.get(id) ?? []).sort((a, b) => a.name.localeCompare(b.name)),
    quotas: quotas
      .map((q) => ({ teamId: q.team.id, teamName: q.team.name, gpuModel: q.gpuModel }))
      .sort((a, b) => a.teamName.localeCompare(b.teamName) || a.gpuModel.localeCompare(b.gpuModel)),
  }));
}

export async function listSiteGroups(prisma: PrismaClient) {
  return view(prisma, await prisma.siteGroup.findMany({ select: SELECT, orderBy: { name: "asc" } }));
}

/** Every site named must exist; the error names the first one that does not (siteIds.N). */
async function assertSites(tx: Prisma.TransactionClient, siteIds: readonly string[]) {
  const found = await tx.site.findMany({ where: { id: { in: [...siteIds] } }, select: { id: true } });
  const known = new Set(found.map((s) => s.id));
  const missing = siteIds.findIndex((id) => !known.has(id));
  if (missing >= 0)
    throw new AppError("NOT_FOUND", `site ${siteIds[missing]} not found`, {
      userMessage: `There is no site ${siteIds[missing]}.`,
      field: `siteIds.${missing}`,
    });
}

async function one(tx: Prisma.TransactionClient, id: string) {
  const row = await tx.siteGroup.findUnique({ where: { id }, select: SELECT });
  if (!row) throw notFound(id);
  const [group] = await view(tx, [row]);
  return group as NonNullable<typeof group>;
}

const auditView = (g: { slug: string; name: string; sites: { id: string }[] }) => ({
  slug: g.slug,
  name: g.name,
  siteIds: g.sites.map((s) => s.id),
});

export async function createSiteGroup(ctx: TMutationContext, input: TSiteGroupInput) {
  return auditedTransaction(ctx, async (tx, audit) => {
    await assertSites(tx, input.siteIds);
    const created = await tx.siteGroup
      .create({ data: input, select: { id: true } })
      .catch((error: unknown) => {
        if (isUniqueViolation(error))
          throw new AppError("CONFLICT", `site group ${input.slug} exists`, {
            userMessage: `A site group with the slug ${input.slug} already exists.`,
            field: "slug",
          });
        throw error;
      });
    const group = await one(tx, created.id);
    await audit({
      action: "site-group.create",
      objectType: "SiteGroup",
      objectId: group.id,
      after: auditView(group),
    });
    return group;
  });
}

export async function updateSiteGroup(ctx: TMutationContext, input: TSiteGroupUpdate) {
  return auditedTransaction(ctx, async (tx, audit) => {
    await tx.$executeRaw`SELECT 1 FROM "SiteGroup" WHERE "id" = ${input.id} FOR UPDATE`;
    const before = await one(tx, input.id);
    if (input.siteIds) await assertSites(tx, input.siteIds);
    const { id, ...data } = input;
    await tx.siteGroup.update({ where: { id }, data, select: { id: true } });
    const after = await one(tx, id);
    await audit({
      action: "site-group.update",
      objectType: "SiteGroup",
      objectId: id,
      before: auditView(before),
      after: auditView(after),
    });
    return after;
  });
}

/**
 * Deletes a group no quota is scoped to. One that is in use is refused: deleting it would
 * silently widen those guarantees to every site.
 */
export async function deleteSiteGroup(ctx: TMutationContext, id: string) {
  return auditedTransaction(ctx, async (tx, audit) => {
    await tx.$executeRaw`SELECT 1 FROM "SiteGroup" WHERE "id" = ${id} FOR UPDATE`;
    const before = await one(tx, id);
    if (before.quotas.length > 0) {
      const users = [...new Set(before.quotas.map((q) => q.teamName))].join(", ");
      throw new AppError("CONFLICT", `site group ${id} is in use`, {
        userMessage: `Quotas of ${users} guarantee GPUs on this group's sites; change those quotas first.`,
        field: "id",
      });
    }
    await tx.siteGroup.delete({ where: { id } });
    await audit({
      action: "site-group.delete",
      objectType: "SiteGroup",
      objectId: id,
      before: auditView(before),
    });
    return { id };
  });
}

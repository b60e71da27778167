import type { Prisma, PrismaClient } from "@switchyard/db";
import { seesTeam, teamScope } from "../auth/access.ts";
import type { TSessionUser } from "../auth/session.ts";
import { AppError } from "../errors.ts";
import { requestReplan } from "../inference/replan-request.ts";
import { auditedTransaction, type TMutationContext } from "../lib/audited.ts";
import { pageArgs, toPage } from "../lib/pagination.ts";
import { assertIfMatch, recordEtag } from "../lib/preconditions.ts";
import type { TListSitesInput } from "../router/site/list-sites.schema.ts";
import type { TSiteInput } from "../router/site/site.schema.ts";

export type TSiteRow = {
  id: string;
  slug: string;
  name: string;
  kind: "ON_PREM" | "CLOUD" | "EDGE";
  provider: string;
  region: string;
  country: string;
  jurisdiction: string;
  status: "ACTIVE" | "MAINTENANCE" | "DECOMMISSIONED";
  certifications: string[];
  latitude: number;
  longitude: number;
  nodes: number;
  gpusTotal: number;
  gpusAllocated: number;
  gpuModels: string[];
  cheapestUsdPerGpuHour: number | null;
};

function siteWhere(input: TListSitesInput): Prisma.SiteWhereInput {
  return {
    ...(input.kind ? { kind: input.kind } : {}),
    ...(input.status ? { status: input.status } : {}),
    ...(input.provider ? { provider: input.provider } : {}),
    ...(input.country ? { country: input.country } : {}),
    ...(input.search
      ? {
          OR: [
            { name: { contains: input.search, mode: "insensitive" } },
            { slug: { contains: input.search, mode: "insensitive" } },
            { region: { contains: input.search, mode: "insensitive" } },
          ],
        }
      : {}),
  };
}

/** One page of sites with their GPU totals: three queries whatever the page size. */
export async function listSites(prisma: PrismaClient, input: TListSitesInput) {
  const where = siteWhere(input);
  const [total, sites] = await Promise.all([
    prisma.site.count({ where }),
    prisma.site.findMany({
      where,
      orderBy: [{ [input.sort]: input.direction }, { id: "asc" }],
      ...pageArgs(input),
      select: {
        id: true,
        slug: true,
        name: true,
        kind: true,
        provider: true,
        region: true,
        country: true,
        jurisdiction: true,
        status: true,
        certifications: true,
        latitude: true,
        longitude: true,
        prices: { select: { gpuModel: true, usdPerGpuHour: true } },
      },
    }),
  ]);
  const capacity = await prisma.gpuNode.groupBy({
    by: ["siteId"],
    where: { siteId: { in: sites.map((site) => site.id) } },
    _count: { _all: true },
    _sum: { gpuCount: true, gpuAllocated: true },
  });
  const bySite = new Map(capacity.map((row) => [row.siteId, row]));
  const rows: TSiteRow[] = sites.map(({ prices, ...site }) => {
    const cap = bySite.get(site.id);
    const usd = prices.map((price) => Number(price.usdPerGpuHour));
    return {
      ...site,
      nodes: cap?._count._all ?? 0,
      gpusTotal: cap?._sum.gpuCount ?? 0,
      gpusAllocated: cap?._sum.gpuAllocated ?? 0,
      gpuModels: prices.map((price) => price.gpuModel).sort(),
      cheapestUsdPerGpuHour: usd.length > 0 ? Math.min(...usd) : null,
    };
  });
  return toPage(rows, total, input);
}

/** Every site, for the map: position, kind and capacity only. */
export async function listSiteLocations(prisma: PrismaClient) {
  const [sites, capacity] = await Promise.all([
    prisma.site.findMany({
      where: { status: { not: "DECOMMISSIONED" } },
      select: { id: true, slug: true, name: true, kind: true, latitude: true, longitude: true, status: true },
      orderBy: { id: "asc" },
    }),
    prisma.gpuNode.groupBy({ by: ["siteId"], _sum: { gpuCount: true, gpuAllocated: true } }),
  ]);
  const bySite = new Map(capacity.map((row) => [row.siteId, row._sum]));
  return sites.map((site) => ({
    ...site,
    gpusTotal: bySite.get(site.id)?.gpuCount ?? 0,
    gpusAllocated: bySite.get(site.id)?.gpuAllocated ?? 0,
  }));
}

/** One site with its capacity; other teams' workloads are counted, not named. */
export async function getSiteOrThrow(prisma: PrismaClient, user: TSessionUser, id: string) {
  const site = await prisma.site.findUnique({
    where: { id },
    include: {
      prices: { orderBy: { gpuModel: "asc" } },
      latencies: { orderBy: { latencyMs: "asc" } },
    },
  });
  if (!site)
    throw new AppError("NOT_FOUND", `site ${id} not found`, { userMessage: "This site does not exist." });
  const [pools, activeWorkloads, replicas, scope] = await Promise.all([
    prisma.gpuNode.groupBy({
      by: ["gpuModel", "status"],
      where: { siteId: id },
      _count: { _all: true },
      _sum: { gpuCount: true, gpuAllocated: true },
      orderBy: [{ gpuModel: "asc" }, { status: "asc" }],
    }),
    prisma.workload.findMany({
      where: { siteId: id, state: { in: ["SCHEDULED", "RUNNING"] } },
      select: {
        id: true,
        name: true,
        state: true,
        gpuCount: true,
        teamId: true,
        team: { select: { name: true } },
      },
      orderBy: { name: "asc" },
    }),
    prisma.datasetReplica.findMany({
      where: { siteId: id },
      select: {
        sizeBytes: true,
        dataset: { select: { id: true, slug: true, name: true, classification: true } },
      },
      orderBy: { dataset: { name: "asc" } },
    }),
    teamScope(prisma, user),
  ]);
  const hidden = activeWorkloads.filter((w) => !seesTeam(scope, w.teamId));
  const gpusTotal = pools.reduce((acc, p) => acc + (p._sum.gpuCount ?? 0), 0);
  const gpusAllocated = pools.reduce((acc, p) => acc + (p._sum.gpuAllocated ?? 0), 0);
  return {
    ...site,
    wanGbps: Number(site.wanGbps),
    egressUsdPerGb: Number(site.egressUsdPerGb),
    prices: site.prices.map((p) => ({
      gpuModel: p.gpuModel,
      usdPerGpuHour: Number(p.usdPerGpuHour),
      spotUsdPerGpuHour: p.spotUsdPerGpuHour === null ? null : Number(p.spotUsdPerGpuHour),
      source: p.source,
    })),
    latencies: site.latencies.map((l) => ({ userRegion: l.userRegion, latencyMs: l.latencyMs })),
    pools: pools.map((p) => ({
      gpuModel: p.gpuModel,
      status: p.status,
      nodes: p._count._all,
      gpus: p._sum.gpuCount ?? 0,
      allocated: p._sum.gpuAllocated ?? 0,
    })),
    capacity: { gpusTotal, gpusAllocated, utilisation: gpusTotal === 0 ? 0 : gpusAllocated / gpusTotal },
    activeWorkloads: activeWorkloads
      .filter((w) => seesTeam(scope, w.teamId))
      .map((w) => ({
        id: w.id,
        name: w.name,
        state: w.state,
        gpuCount: w.gpuCount,
        team: w.team.name,
      })),
    /** Scheduled or running work of teams the user cannot see: how much, never what. */
    otherTeamsWorkloads: { count: hidden.length, gpus: hidden.reduce((sum, w) => sum + w.gpuCount, 0) },
    replicas: replicas.map((r) => ({ ...r.dataset, sizeBytes: r.sizeBytes })),
  };
}

/** The audited shape of a site: scalar columns plus prices and latencies. */
async function snapshotSite(tx: Prisma.TransactionClient, id: string) {
  const site = await tx.site.findUnique({ where: { id }, include: { prices: true, latencies: true } });
  if (!site) return null;
  const { prices, latencies, createdAt: _c, updatedAt: _u, ...rest } = site;
  return {
    ...rest,
    wanGbps: Number(rest.wanGbps),
    egressUsdPerGb: Number(rest.egressUsdPerGb),
    prices: prices
      .map((p) => ({ gpuModel: p.gpuModel, usdPerGpuHour: Number(p.usdPerGpuHour) }))
      .sort((a, b) => a.gpuModel.localeCompare(b.gpuModel)),
    latencies: latencies
      .map((l) => ({ userRegion: l.userRegion, latencyMs: l.latencyMs }))
      .sort((a, b) => a.userRegion.localeCompare(b.userRegion)),
  };
}

function siteColumns(input: TSiteInput) {
  const { prices: _p, latencies: _l, ...columns } = input;
  return columns;
}

async function assertSlugFree(tx: Prisma.TransactionClient, slug: string, exceptId?: string) {
  const clash = await tx.site.findUnique({ where: { slug }, select: { id: true } });
  if (clash && clash.id !== exceptId) {
    throw new AppError("CONFLICT", `site slug ${slug} taken`, {
      userMessage: `A site with the slug "${slug}" already exists.`,
      field: "slug",
    });
  }
}

export async function createSite(ctx: TMutationContext, input: TSiteInput) {
  return auditedTransaction(ctx, async (tx, audit) => {
    await assertSlugFree(tx, input.slug);
    const site = await tx.site.create({
      data: {
        ...siteColumns(input),
        prices: {
          create: input.prices.map((p) => ({
            gpuModel: p.gpuModel,
            usdPerGpuHour: p.usdPerGpuHour,
            source: `entered by ${ctx.user.email}`,
          })),
        },
        latencies: { create: input.latencies },
      },
      select: { id: true, slug: true },
    });
    await audit({
      action: "site.create",
      objectType: "Site",
      objectId: site.id,
      after: await snapshotSite(tx, site.id),
    });
    return site;
  });
}

export async function updateSite(
  ctx: TMutationContext,
  id: string,
  input: TSiteInput,
  status?: "ACTIVE" | "MAINTENANCE",
) {
  return auditedTransaction(ctx, async (tx, audit) => {
    await assertIfMatch(tx, ctx.http, "Site", id);
    const before = await snapshotSite(tx, id);
    if (!before)
      throw new AppError("NOT_FOUND", `site ${id} not found`, { userMessage: "This site does not exist." });
    if (before.status === "DECOMMISSIONED") {
      throw new AppError("CONFLICT", `site ${id} is decommissioned`, {
        userMessage: "A decommissioned site cannot be edited.",
      });
    }
    await assertSlugFree(tx, input.slug, id);
    await tx.site.update({ where: { id }, data: { ...siteColumns(input), ...(status ? { status } : {}) } });
    // Services plan again when a site's state (or its latencies and prices) changed.
    await requestReplan(
      tx,
      {},
      `site ${input.name} changed${status && status !== before.status ? ` (${status.toLowerCase()})` : ""}`,
      new Date(),
    );
    // Prices: upsert what the form sends, delete what it dropped; keep unchanged rows (and their source).
    const keep = input.prices.map((p) => p.gpuModel);
    await tx.sitePrice.deleteMany({ where: { siteId: id, gpuModel: { notIn: keep } } });
    for (const price of input.prices) {
      const old = before.prices.find((p) => p.gpuModel === price.gpuModel);
      if (old && old.usdPerGpuHour === price.usdPerGpuHour) continue;
      await tx.sitePrice.upsert({
        where: { siteId_gpuModel: { siteId: id, gpuModel: price.gpuModel } },
        create: {
          siteId: id,
          gpuModel: price.gpuModel,
          usdPerGpuHour: price.usdPerGpuHour,
          source: `entered by ${ctx.user.email}`,
        },
        update: { usdPerGpuHour: price.usdPerGpuHour, source: `entered by ${ctx.user.email}` },
      });
    }
    await tx.siteLatency.deleteMany({ where: { siteId: id } });
    await tx.siteLatency.createMany({ data: input.latencies.map((l) => ({ ...l, siteId: id })) });
    await audit({
      action: "site.update",
      objectType: "Site",
      objectId: id,
      before,
      after: await snapshotSite(tx, id),
    });
    await recordEtag(tx, ctx.http, "Site", id);
    return { id };
  });
}

/**
 * Takes a site out of the estate. Refused while workloads are scheduled or running there:
 * they must move first. Nodes and history stay for the record.
 */
export async function decommissionSite(ctx: TMutationContext, id: string) {
  return auditedTransaction(ctx, async (tx, audit) => {
    // Lock the site row so a workload cannot be scheduled here while we check.
    await tx.$executeRaw`SELECT 1 FROM "Site" WHERE "id" = ${id} FOR UPDATE`;
    const before = await snapshotSite(tx, id);
    if (!before)
      throw new AppError("NOT_FOUND", `site ${id} not found`, { userMessage: "This site does not exist." });
    if (before.status === "DECOMMISSIONED") return { id };
    const active = await tx.workload.findMany({
      where: {
        OR: [{ siteId: id }, { allocations: { some: { status: "ACTIVE", node: { siteId: id } } } }],
        state: { in: ["SCHEDULED", "RUNNING"] },
      },
      select: { name: true },
      orderBy: { name: "asc" },
    });
    if (active.length > 0) {
      const names = active
        .slice(0, 5)
        .map((w) => w.name)
        .join(", ");
      throw new AppError("CONFLICT", `site ${id} has ${active.length} active workloads`, {
        userMessage: `${before.name} still runs ${active.length} workload${active.length === 1 ? "" : "s"} (${names}${active.length > 5 ? ", …" : ""}); move or finish them before decommissioning.`,
      });
    }
    await tx.site.update({ where: { id }, data: { status: "DECOMMISSIONED" } });
    await requestReplan(tx, {}, `site ${before.name} decommissioned`, new Date());
    await tx.gpuNode.updateMany({
      where: { siteId: id, status: { not: "DOWN" } },
      data: { status: "CORDONED" },
    });
    await audit({
      action: "site.decommission",
      objectType: "Site",
      objectId: id,
      before,
      after: await snapshotSite(tx, id),
    });
    return { id };
  });
}

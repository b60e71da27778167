import type { Prisma, PrismaClient } from "@switchyard/db";
import type { TListSitesInput } from "../router/site/list-sites.schema.ts";

export type TSiteRow = {
  id: string;
  slug: string;
  name: string;
  kind: "ON_PREM" | "CLOUD" | "EDGE";
  provider: string;
  region: string;
  country: string;
  jurisdiction: string;
  status: string;
  certifications: string[];
  nodes: number;
  gpusTotal: number;
  gpusAllocated: number;
  gpuModels: string[];
  cheapestUsdPerGpuHour: number | null;
};

/** One page of sites with their GPU totals: three queries whatever the page size. */
export async function listSites(prisma: PrismaClient, input: TListSitesInput) {
  const where: Prisma.SiteWhereInput = {
    ...(input.kind ? { kind: input.kind } : {}),
    ...(input.search
      ? {
          OR: [
            { name: { contains: input.search, mode: "insensitive" } },
            { slug: { contains: input.search, mode: "insensitive" } },
            { region: { contains: input.search, mode: "insensitive" } },
            { country: { equals: input.search.toUpperCase() } },
          ],
        }
      : {}),
  };
  const [total, sites] = await Promise.all([
    prisma.site.count({ where }),
    prisma.site.findMany({
      where,
      orderBy: [{ [input.sort]: input.direction }, { id: "asc" }],
      skip: (input.page - 1) * input.pageSize,
      take: input.pageSize,
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
  return {
    rows,
    total,
    page: input.page,
    pageSize: input.pageSize,
    pages: Math.max(1, Math.ceil(total / input.pageSize)),
  };
}

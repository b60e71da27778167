import type { Prisma, PrismaClient } from "@switchyard/db";
import { FIRST_PAGE, pageArgs, type TPageParams, toPage } from "../lib/pagination.ts";

const USER_REGION_SELECT = {
  id: true,
  name: true,
  label: true,
  latitude: true,
  longitude: true,
} as const satisfies Prisma.UserRegionSelect;

/** User regions by name, each with how many sites have a latency to it (what can serve it). */
export async function listUserRegions(prisma: PrismaClient, paging: TPageParams = FIRST_PAGE) {
  const [total, rows] = await Promise.all([
    prisma.userRegion.count(),
    prisma.userRegion.findMany({
      select: USER_REGION_SELECT,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      ...pageArgs(paging),
    }),
  ]);
  const latencies = await prisma.siteLatency.groupBy({
    by: ["userRegion"],
    where: { userRegion: { in: rows.map((r) => r.name) } },
    _count: { _all: true },
  });
  const sitesOf = new Map(latencies.map((l) => [l.userRegion, l._count._all]));
  return toPage(
    rows.map((r) => ({ ...r, sitesWithLatency: sitesOf.get(r.name) ?? 0 })),
    total,
    paging,
  );
}

/** The user regions named here that have coordinates, by name (for a service's coverage map). */
export async function userRegionsNamed(prisma: PrismaClient | Prisma.TransactionClient, names: string[]) {
  if (names.length === 0) return [];
  return prisma.userRegion.findMany({
    where: { name: { in: names } },
    select: USER_REGION_SELECT,
    orderBy: { name: "asc" },
  });
}

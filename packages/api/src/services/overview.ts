import type { PrismaClient, SiteKind, WorkloadState } from "@switchyard/db";

export type TGpuByEnvironment = {
  kind: SiteKind;
  sites: number;
  nodes: number;
  total: number;
  allocated: number;
  /** GPUs on READY nodes that no allocation holds. */
  free: number;
  /** GPUs on cordoned, draining or down nodes that no allocation holds. */
  unavailable: number;
};

export type TOverview = {
  gpusByEnvironment: TGpuByEnvironment[];
  counts: { sites: number; nodes: number; datasets: number; workloads: number };
  workloadsByState: { state: WorkloadState; count: number }[];
  nodesByStatus: { status: string; count: number }[];
};

const KINDS: SiteKind[] = ["ON_PREM", "CLOUD", "EDGE"];

/** Estate totals for the overview, in a fixed handful of aggregate queries. */
export async function getOverview(prisma: PrismaClient): Promise<TOverview> {
  const [gpuRows, siteCounts, datasets, workloadGroups, nodeGroups] = await Promise.all([
    prisma.$queryRaw<{ kind: SiteKind; status: string; nodes: bigint; total: bigint; allocated: bigint }[]>`
      SELECT s."kind"::text AS kind, n."status"::text AS status, COUNT(*) AS nodes,
             COALESCE(SUM(n."gpuCount"), 0) AS total, COALESCE(SUM(n."gpuAllocated"), 0) AS allocated
        FROM "GpuNode" n JOIN "Site" s ON s."id" = n."siteId"
       WHERE s."status" <> 'DECOMMISSIONED'
       GROUP BY s."kind", n."status"`,
    prisma.site.groupBy({
      by: ["kind"],
      where: { status: { not: "DECOMMISSIONED" } },
      _count: { _all: true },
    }),
    prisma.dataset.count(),
    prisma.workload.groupBy({ by: ["state"], _count: { _all: true } }),
    prisma.gpuNode.groupBy({ by: ["status"], _count: { _all: true } }),
  ]);

  const gpusByEnvironment = KINDS.map((kind): TGpuByEnvironment => {
    const rows = gpuRows.filter((row) => row.kind === kind);
    const sum = (pick: (row: (typeof rows)[number]) => bigint) =>
      rows.reduce((acc, row) => acc + Number(pick(row)), 0);
    const ready = rows.filter((row) => row.status === "READY");
    const readyFree = ready.reduce((acc, row) => acc + Number(row.total) - Number(row.allocated), 0);
    const total = sum((row) => row.total);
    const allocated = sum((row) => row.allocated);
    return {
      kind,
      sites: siteCounts.find((row) => row.kind === kind)?._count._all ?? 0,
      nodes: sum((row) => row.nodes),
      total,
      allocated,
      free: readyFree,
      unavailable: total - allocated - readyFree,
    };
  });

  return {
    gpusByEnvironment,
    counts: {
      sites: siteCounts.reduce((acc, row) => acc + row._count._all, 0),
      nodes: nodeGroups.reduce((acc, row) => acc + row._count._all, 0),
      datasets,
      workloads: workloadGroups.reduce((acc, row) => acc + row._count._all, 0),
    },
    workloadsByState: workloadGroups
      .map((row) => ({ state: row.state, count: row._count._all }))
      .sort((a, b) => a.state.localeCompare(b.state)),
    nodesByStatus: nodeGroups.map((row) => ({ status: row.status, count: row._count._all })),
  };
}

import type { PrismaClient } from "@switchyard/db";

/**
 * A small estate with an exact allocation history, for spend and dashboard tests. The
 * figures the tests expect are worked out next to each row.
 *
 * Sites: dc (ON_PREM, H100 at $2.00 amortised), cloud (CLOUD, A100-80GB at $4.00, no H100
 * price). `NOW` is 2026-12-10 12:00 UTC.
 */
export const NOW = new Date("2026-12-10T12:00:00.000Z");

const site = (id: string, kind: "ON_PREM" | "CLOUD", country: string) => ({
  id,
  slug: id,
  name: `Site ${id}`,
  kind,
  provider: kind === "ON_PREM" ? "onprem" : "aws",
  region: `${id}-region`,
  country,
  jurisdiction: country === "DE" ? "EU" : "US",
  certifications: [],
  wanGbps: 10,
  egressUsdPerGb: 0.05,
  carbonGPerKwh: 300,
  latitude: 0,
  longitude: 0,
});

const node = (id: string, siteId: string, gpuModel: string, gpuCount: number, gpuAllocated: number) => ({
  id,
  siteId,
  hostname: id,
  gpuModel,
  gpuCount,
  gpuAllocated,
  gpuMemoryGib: 80,
  fabric: `${siteId}-fabric`,
  interconnect: "NVLink",
  createdAt: new Date("2026-11-01T00:00:00Z"),
});

const workload = (id: string, teamId: string) => ({
  id,
  name: id,
  kind: "TRAINING" as const,
  state: "RUNNING" as const,
  teamId,
  submittedById: "spend-user",
  gpuCount: 1,
  estimatedHours: 1,
});

export async function seedSpendEstate(prisma: PrismaClient) {
  await prisma.user.create({ data: { id: "spend-user", email: "spend@example.com", name: "Spender" } });
  await prisma.team.createMany({
    data: [
      { id: "team-alpha", slug: "alpha", name: "Alpha" },
      { id: "team-beta", slug: "beta", name: "Beta" },
    ],
  });
  await prisma.site.createMany({ data: [site("dc", "ON_PREM", "DE"), site("cloud", "CLOUD", "US")] });
  await prisma.sitePrice.createMany({
    data: [
      { siteId: "dc", gpuModel: "H100", usdPerGpuHour: 2, source: "amortised" },
      { siteId: "cloud", gpuModel: "A100-80GB", usdPerGpuHour: 4, source: "catalog" },
    ],
  });
  await prisma.gpuNode.createMany({
    data: [
      node("dc-n1", "dc", "H100", 8, 0),
      node("cloud-n1", "cloud", "A100-80GB", 8, 2),
      node("cloud-n2", "cloud", "H100", 4, 0),
    ],
  });
  await prisma.workload.createMany({
    data: [workload("wa1", "team-alpha"), workload("wa2", "team-alpha"), workload("wb1", "team-beta")],
  });
  await prisma.allocation.createMany({
    data: [
      // alpha: 4 H100 at dc, Dec 1 22:00 -> Dec 2 04:00: 8 GPU-h ($16) on Dec 1, 16 ($32) on Dec 2.
      {
        workloadId: "wa1",
        nodeId: "dc-n1",
        gpus: 4,
        status: "RELEASED",
        createdAt: new Date("2026-12-01T22:00:00Z"),
        releasedAt: new Date("2026-12-02T04:00:00Z"),
      },
      // alpha: 2 A100 at cloud since Dec 10 06:00, still held: 12 GPU-h ($48) up to NOW.
      {
        workloadId: "wa2",
        nodeId: "cloud-n1",
        gpus: 2,
        status: "ACTIVE",
        createdAt: new Date("2026-12-10T06:00:00Z"),
      },
      // beta: 1 unpriced H100 at cloud, Nov 30 23:00 -> Dec 1 01:00: 1 GPU-h each day, $0.
      {
        workloadId: "wb1",
        nodeId: "cloud-n2",
        gpus: 1,
        status: "RELEASED",
        createdAt: new Date("2026-11-30T23:00:00Z"),
        releasedAt: new Date("2026-12-01T01:00:00Z"),
      },
      // beta: 2 H100 at dc on Dec 9 00:00 -> 12:00: 24 GPU-h ($48).
      {
        workloadId: "wb1",
        nodeId: "dc-n1",
        gpus: 2,
        status: "RELEASED",
        createdAt: new Date("2026-12-09T00:00:00Z"),
        releasedAt: new Date("2026-12-09T12:00:00Z"),
      },
    ],
  });
  await prisma.dataset.create({
    data: {
      id: "ds",
      slug: "ds",
      name: "Corpus",
      sizeBytes: 10n ** 12n,
      classification: "INTERNAL",
      ownerTeamId: "team-alpha",
    },
  });
  const transfer = {
    datasetId: "ds",
    workloadId: "wa1",
    sourceSiteId: "cloud",
    destinationSiteId: "dc",
    bytes: 10n ** 12n,
    etaSeconds: 60,
  };
  await prisma.dataTransfer.createMany({
    data: [
      // alpha: egress $5.50 billed by cloud, on Dec 2.
      { ...transfer, costUsd: 5.5, status: "COMPLETED", completedAt: new Date("2026-12-02T10:00:00Z") },
      // Not done: not counted.
      { ...transfer, costUsd: 100, status: "PENDING" },
      { ...transfer, costUsd: 70, status: "FAILED" },
    ],
  });
  const decision = (
    workloadId: string,
    status: "PROPOSED" | "ACCEPTED" | "OVERRIDDEN",
    at: string,
    chosenSiteId: string | null,
    reasonCounts: { plugin: string; message: string; count: number }[],
  ) => ({
    workloadId,
    status,
    feasible: true,
    profile: "balanced",
    engineVersion: "placement/1",
    summary: "",
    candidates: {},
    rejections: { rejected: [], reasonCounts, funnel: [], counts: {} },
    chosenSiteId,
    decidedAt: status === "PROPOSED" ? null : new Date(at),
    createdAt: new Date(at),
  });
  const noH100 = { plugin: "gpu-model", message: "no H100 nodes", count: 1 };
  await prisma.placementDecision.createMany({
    data: [
      // Placements: on-prem on Dec 1 and Dec 9, cloud on Dec 10 (one proposal, not placed).
      decision("wa1", "ACCEPTED", "2026-12-01T22:00:00Z", "dc", [
        { ...noH100, message: "no A100-80GB nodes" },
      ]),
      decision("wa2", "ACCEPTED", "2026-12-10T06:00:00Z", "cloud", [noH100]),
      decision("wb1", "OVERRIDDEN", "2026-12-09T00:00:00Z", "dc", [
        { plugin: "gpu-capacity", message: "no free A100-80GB x2", count: 1 },
      ]),
      decision("wb1", "PROPOSED", "2026-12-08T10:00:00Z", null, [noH100]),
    ],
  });
  const request = (id: string, status: "PENDING" | "APPROVED", created: string, expires: string) => ({
    id,
    kind: "WORKLOAD_PLACEMENT" as const,
    status,
    workloadId: "wb1",
    requestedById: "spend-user",
    summary: `request ${id}`,
    createdAt: new Date(created),
    expiresAt: new Date(expires),
  });
  await prisma.approvalRequest.createMany({
    data: [
      request("ap-waiting", "PENDING", "2026-12-10T08:00:00Z", "2026-12-12T08:00:00Z"),
      request("ap-older", "PENDING", "2026-12-09T08:00:00Z", "2026-12-11T08:00:00Z"),
      // Past its deadline but not yet closed by the loop: still open, as the approvals page says.
      request("ap-expired", "PENDING", "2026-12-01T08:00:00Z", "2026-12-02T08:00:00Z"),
      request("ap-done", "APPROVED", "2026-12-05T08:00:00Z", "2026-12-07T08:00:00Z"),
    ],
  });
}

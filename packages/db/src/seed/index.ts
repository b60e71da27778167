import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { appendAuditEvent } from "../audit.ts";
import { parseCloudPriceCsv, pricePerGpuHour } from "../catalog/cloud-prices.ts";
import { GPU_MODELS } from "../catalog/gpu-models.ts";
import type { Db } from "../client.ts";
import { DatabaseSetupError } from "../errors.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { hashPassword } from "../password.ts";
import {
  DATASETS,
  DEMO_PASSWORD,
  DEMO_USERS,
  MODELS,
  POLICIES,
  TEAM_GROUPS,
  TEAMS,
  WORKLOADS,
} from "./demo.ts";
import {
  CLOUD_SITES,
  EDGE_SITES,
  estimateLatencyMs,
  ON_PREM_SITES,
  type TSiteSpec,
  USER_REGIONS,
} from "./estate.ts";

export { DEMO_PASSWORD, DEMO_USERS } from "./demo.ts";
export { growEstate, SCALES, type TScale } from "./scale.ts";

export const DEFAULT_CATALOG_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../data/cloud-gpu-prices.csv",
);

const SEED_LOCK_KEY = 7_301_002;
const GIB = 1024 ** 3;

export type TSeedResult =
  | { seeded: false; reason: string }
  | {
      seeded: true;
      sites: number;
      nodes: number;
      datasets: number;
      workloads: number;
      users: number;
      ms: number;
    };

/**
 * Seeds the demo estate into an empty database, in one transaction: either all of it is
 * there afterwards or none. A database that already has users is left alone, so running it
 * again is harmless.
 */
export async function seedDemo(db: Db, options: { catalogPath?: string } = {}): Promise<TSeedResult> {
  const started = performance.now();
  // Most starts find users: answer before hashing five passwords (a second of CPU). The check
  // inside the transaction below, under the seed lock, is the one that decides.
  if ((await db.prisma.user.count()) > 0) return { seeded: false, reason: "the database already has users" };
  const catalog = parseCloudPriceCsv(readFileSync(options.catalogPath ?? DEFAULT_CATALOG_PATH, "utf8"));
  if (catalog.errors.length > 0) {
    const first = catalog.errors[0];
    throw new DatabaseSetupError("SEED_FAILED", `Price catalog line ${first?.line}: ${first?.message}`);
  }
  const prices = pricePerGpuHour(catalog.rows);
  // Each demo user gets their own salt: one shared hash would tell anyone who reads the
  // table that these accounts share a password.
  const passwordHashes = new Map<string, string>();
  for (const user of DEMO_USERS) passwordHashes.set(user.key, await hashPassword(DEMO_PASSWORD));

  const result = await db.prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY})`;
      if ((await tx.user.count()) > 0) return null;
      const counts = await seedEstate(tx, prices);
      await seedPeople(tx, passwordHashes);
      const datasets = await seedDatasets(tx);
      const workloads = await seedWorkloads(tx);
      await seedModels(tx);
      await seedPolicies(tx);
      await seedPastApprovals(tx);
      const summary = { ...counts, datasets, workloads, users: DEMO_USERS.length };
      await appendAuditEvent(tx, {
        actorLabel: "system:seed",
        action: "seed.demo",
        objectType: "Estate",
        objectId: "demo",
        after: summary,
      });
      return summary;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  if (!result) return { seeded: false, reason: "the database already has users" };
  return { seeded: true, ...result, ms: Math.round(performance.now() - started) };
}

type TTx = Prisma.TransactionClient;

async function seedEstate(tx: TTx, prices: ReturnType<typeof pricePerGpuHour>) {
  const priceOf = new Map(prices.map((p) => [`${p.provider}/${p.region}/${p.gpuModel}`, p]));
  const sites: Prisma.SiteCreateManyInput[] = [];
  const sitePrices: Prisma.SitePriceCreateManyInput[] = [];
  const latencies: Prisma.SiteLatencyCreateManyInput[] = [];
  const nodes: Prisma.GpuNodeCreateManyInput[] = [];

  for (const spec of [...ON_PREM_SITES, ...CLOUD_SITES, ...EDGE_SITES] satisfies TSiteSpec[]) {
    const siteId = `site-${spec.slug}`;
    sites.push({
      id: siteId,
      slug: spec.slug,
      name: spec.name,
      kind: spec.kind,
      provider: spec.provider,
      region: spec.region,
      country: spec.country,
      jurisdiction: spec.jurisdiction,
      certifications: spec.certifications,
      wanGbps: spec.wanGbps,
      egressUsdPerGb: spec.egressUsdPerGb,
      carbonGPerKwh: spec.carbonGPerKwh,
      latitude: spec.latitude,
      longitude: spec.longitude,
    });
    for (const region of USER_REGIONS) {
      latencies.push({
        id: `lat-${spec.slug}-${region.name}`,
        siteId,
        userRegion: region.name,
        latencyMs: estimateLatencyMs(spec, region),
      });
    }
    for (const pool of spec.pools) {
      const catalogPrice = priceOf.get(`${spec.provider}/${spec.region}/${pool.gpuModel}`);
      const usdPerGpuHour = pool.usdPerGpuHour ?? catalogPrice?.usdPerGpuHour;
      // A cloud pool whose region does not sell the model is not part of the estate.
      if (usdPerGpuHour === undefined) continue;
      const gpusPerNode = pool.gpusPerNode || catalogPrice?.maxGpusPerInstance || 1;
      sitePrices.push({
        id: `price-${spec.slug}-${pool.gpuModel}`,
        siteId,
        gpuModel: pool.gpuModel,
        usdPerGpuHour: usdPerGpuHour.toFixed(4),
        spotUsdPerGpuHour: catalogPrice?.spotUsdPerGpuHour?.toFixed(4) ?? null,
        source:
          catalogPrice && !pool.usdPerGpuHour
            ? `catalog: ${catalogPrice.instanceType}`
            : "amortised capex + opex (finance 2026)",
      });
      const model = GPU_MODELS[pool.gpuModel];
      const fabrics = pool.fabrics ?? 1;
      for (let i = 1; i <= pool.nodes; i++) {
        const hostname = `${spec.slug}-${pool.gpuModel.toLowerCase()}-${String(i).padStart(3, "0")}`;
        nodes.push({
          id: `node-${hostname}`,
          siteId,
          hostname,
          gpuModel: pool.gpuModel,
          gpuCount: gpusPerNode,
          gpuMemoryGib: model.memoryGib,
          fabric: `${spec.slug}-${pool.gpuModel.toLowerCase()}-fabric-${String.fromCharCode(97 + ((i - 1) % fabrics))}`,
          interconnect: model.interconnect,
          // A few nodes are out of service, as in any real estate.
          status: i % 23 === 0 ? "DOWN" : i % 17 === 0 ? "CORDONED" : "READY",
          driverVersion: pool.gpuModel === "Jetson-AGX-Orin" ? "JetPack 6.2" : "580.159.04",
          labels: { pool: pool.gpuModel, tier: spec.kind.toLowerCase() },
        });
      }
    }
  }
  await tx.site.createMany({ data: sites });
  await tx.sitePrice.createMany({ data: sitePrices });
  await tx.siteLatency.createMany({ data: latencies });
  await tx.gpuNode.createMany({ data: nodes });
  return { sites: sites.length, nodes: nodes.length };
}

async function seedPeople(tx: TTx, passwordHashes: ReadonlyMap<string, string>) {
  await tx.teamGroup.createMany({
    data: TEAM_GROUPS.map(({ teams: _t, ...group }) => group),
  });
  const groupOf = new Map(
    TEAM_GROUPS.flatMap((g) => g.teams.map((t) => [t.slug, { id: g.id, weight: t.weight }])),
  );
  await tx.team.createMany({
    data: TEAMS.map(({ quotas: _q, ...team }) => ({
      id: `team-${team.slug}`,
      ...team,
      groupId: groupOf.get(team.slug)?.id ?? null,
      fairShareWeight: groupOf.get(team.slug)?.weight ?? 1,
    })),
  });
  // A site group a guarantee can be scoped to (Settings -> Fair sharing); no demo quota uses it yet.
  await tx.siteGroup.create({
    data: {
      id: "site-group-eu",
      slug: "eu-sites",
      name: "EU sites",
      siteIds: [
        "site-dc-frankfurt",
        "site-dc-stockholm",
        "site-gcp-europe-west4",
        "site-edge-munich-factory",
      ],
    },
  });
  await tx.quota.createMany({
    data: TEAMS.flatMap((team) =>
      team.quotas.map((quota) => ({
        id: `quota-${team.slug}-${quota.gpuModel}`,
        teamId: `team-${team.slug}`,
        ...quota,
      })),
    ),
  });
  await tx.user.createMany({
    data: DEMO_USERS.map((user) => ({
      id: `user-${user.key}`,
      email: user.email,
      name: user.name,
      role: user.role,
      passwordHash: passwordHashes.get(user.key) ?? null,
    })),
  });
  await tx.membership.createMany({
    data: DEMO_USERS.flatMap((user) =>
      user.teams.map(([team, role]) => ({
        id: `member-${user.key}-${team}`,
        userId: `user-${user.key}`,
        teamId: `team-${team}`,
        role,
      })),
    ),
  });
}

async function seedDatasets(tx: TTx) {
  await tx.dataset.createMany({
    data: DATASETS.map(({ replicas: _r, stewards: _s, sizeGib, ownerTeam, ...dataset }) => ({
      id: `dataset-${dataset.slug}`,
      ...dataset,
      sizeBytes: BigInt(sizeGib) * BigInt(GIB),
      ownerTeamId: `team-${ownerTeam}`,
    })),
  });
  await tx.datasetSteward.createMany({
    data: DATASETS.flatMap((d) =>
      d.stewards.map((user) => ({ datasetId: `dataset-${d.slug}`, userId: `user-${user}` })),
    ),
  });
  await tx.datasetReplica.createMany({
    data: DATASETS.flatMap((d) =>
      d.replicas.map((site) => ({
        id: `replica-${d.slug}-${site}`,
        datasetId: `dataset-${d.slug}`,
        siteId: `site-${site}`,
        sizeBytes: BigInt(d.sizeGib) * BigInt(GIB),
      })),
    ),
  });
  return DATASETS.length;
}

/** Each model at the site its run ran, with its one input's rules and stewards. */
async function seedModels(tx: TTx) {
  for (const model of MODELS) {
    const [input] = model.trainedOn;
    const source = DATASETS.find((d) => d.slug === input);
    const run = WORKLOADS.find((w) => w.key === model.producedBy);
    if (!source || !run?.site) throw new Error(`seed model ${model.slug}: unknown input or run`);
    const sizeBytes = BigInt(model.sizeGib) * BigInt(GIB);
    await tx.dataset.create({
      data: {
        id: `dataset-${model.slug}`,
        slug: model.slug,
        name: model.name,
        version: model.version,
        kind: "MODEL",
        description: model.description,
        sizeBytes,
        classification: source.classification,
        regulations: source.regulations,
        residencyCountries: source.residencyCountries,
        residencyJurisdictions: source.residencyJurisdictions,
        onPremOnly: source.onPremOnly,
        ownerTeamId: `team-${run.team}`,
        producedByWorkloadId: `workload-${run.key}`,
        producedAtSiteId: `site-${run.site}`,
        stewards: { create: source.stewards.map((user) => ({ userId: `user-${user}` })) },
        replicas: {
          create: { id: `replica-${model.slug}-${run.site}`, siteId: `site-${run.site}`, sizeBytes },
        },
        trainedOn: { create: { sourceId: `dataset-${source.slug}` } },
      },
    });
  }
}

async function seedWorkloads(tx: TTx) {
  const now = Date.now();
  for (const spec of WORKLOADS) {
    const id = `workload-${spec.key}`;
    const createdAt = new Date(now - spec.ageHours * 3_600_000);
    const isActive = spec.state === "RUNNING" || spec.state === "SCHEDULED";
    const startedAt =
      spec.state === "RUNNING" || spec.state === "SUCCEEDED" || spec.state === "FAILED"
        ? new Date(createdAt.getTime() + 600_000)
        : null;
    await tx.workload.create({
      data: {
        id,
        name: spec.name,
        kind: spec.kind,
        state: spec.state,
        stateReason: spec.reason,
        teamId: `team-${spec.team}`,
        submittedById: `user-${spec.submittedBy}`,
        gpuCount: spec.gpu.nodes * spec.gpu.gpusPerNode,
        gangNodes: spec.gpu.nodes > 1 ? spec.gpu.nodes : null,
        gpusPerNode: spec.gpu.nodes > 1 ? spec.gpu.gpusPerNode : null,
        gpuModels: spec.gpuModels,
        estimatedHours: spec.hours.toFixed(2),
        userRegion: spec.latency?.userRegion ?? null,
        latencySloMs: spec.latency?.maxMs ?? null,
        requiredCertifications: spec.certifications ?? [],
        allowedSiteKinds: spec.allowedKinds ?? [],
        priority: spec.priority,
        preemptible: spec.preemptible ?? false,
        budgetUsd: spec.budgetUsd?.toFixed(2) ?? null,
        siteId: spec.site ? `site-${spec.site}` : null,
        share: isActive && spec.site ? (spec.borrowed ? "BORROWED" : "GUARANTEED") : null,
        createdAt,
        startedAt,
        finishedAt:
          spec.state === "SUCCEEDED" || spec.state === "FAILED" || spec.state === "CANCELLED"
            ? new Date(createdAt.getTime() + spec.hours * 3_600_000)
            : null,
        datasets: { create: spec.datasets.map((d) => ({ datasetId: `dataset-${d}` })) },
        dependsOn: { create: (spec.dependsOn ?? []).map((d) => ({ dependsOnId: `workload-${d}` })) },
        events: {
          create: spec.path.map((toState, index) => ({
            fromState: index === 0 ? null : spec.path[index - 1],
            toState,
            actorId: `user-${spec.submittedBy}`,
            reason:
              index === spec.path.length - 1 && spec.reason
                ? spec.reason
                : `moved to ${toState.toLowerCase().replace("_", " ")}`,
            createdAt: new Date(createdAt.getTime() + index * 300_000),
          })),
        },
      },
    });
    if (isActive && spec.site) {
      await allocate(
        tx,
        id,
        `site-${spec.site}`,
        spec.gpuModels[0] ?? "",
        spec.gpu.nodes,
        spec.gpu.gpusPerNode,
        spec.borrowed ? "BORROWED" : "GUARANTEED",
      );
    }
  }
  return WORKLOADS.length;
}

/** Holds GPUs on the first READY nodes of a site that fit, and counts them on the node. */
async function allocate(
  tx: TTx,
  workloadId: string,
  siteId: string,
  gpuModel: string,
  nodes: number,
  gpusPerNode: number,
  share: "GUARANTEED" | "BORROWED",
) {
  const candidates = await tx.gpuNode.findMany({
    where: { siteId, gpuModel, status: "READY" },
    orderBy: { hostname: "asc" },
    select: { id: true, gpuCount: true, gpuAllocated: true },
  });
  const chosen = candidates.filter((n) => n.gpuCount - n.gpuAllocated >= gpusPerNode).slice(0, nodes);
  if (chosen.length < nodes)
    throw new Error(`seed: not enough ${gpuModel} capacity at ${siteId} for ${workloadId}`);
  for (const node of chosen) {
    await tx.allocation.create({ data: { workloadId, nodeId: node.id, gpus: gpusPerNode, share } });
    await tx.gpuNode.update({ where: { id: node.id }, data: { gpuAllocated: { increment: gpusPerNode } } });
  }
}

/**
 * The approval the running claims-risk-model went through, as history: the steward approved
 * it under version 1 of the regulated-data rule. (Requests that are still open are made by
 * the demo activity in packages/api, through the real placement and approval services.)
 */
async function seedPastApprovals(tx: TTx) {
  const workload = await tx.workload.findUniqueOrThrow({
    where: { id: "workload-claims-risk-model" },
    select: { createdAt: true, estimatedHours: true, gpuCount: true },
  });
  const askedAt = new Date(workload.createdAt.getTime() + 300_000);
  const decidedAt = new Date(askedAt.getTime() + 300_000);
  await tx.approvalRequest.create({
    data: {
      id: "approval-claims-risk-model",
      kind: "WORKLOAD_PLACEMENT",
      status: "APPROVED",
      workloadId: "workload-claims-risk-model",
      requestedById: "user-engineer",
      summary:
        "claims-risk-model at Ashburn DC (on-prem) (US): reads REGULATED dataset Insurance claims 2025",
      siteId: "site-dc-ashburn",
      expiresAt: new Date(askedAt.getTime() + 72 * 3_600_000),
      decidedAt,
      createdAt: askedAt,
      steps: {
        create: {
          order: 1,
          policyId: "policy-regulated-data-v1",
          approverKind: "DATASET_STEWARDS",
          datasetId: "dataset-claims-2025",
          requiredApprovals: 1,
          reason: "reads REGULATED dataset Insurance claims 2025",
          status: "APPROVED",
          createdAt: askedAt,
          decisions: {
            create: {
              deciderId: "user-steward",
              verdict: "APPROVE",
              comment: "HIPAA-certified on-prem site in the US, as the residency requires. Approved.",
              createdAt: decidedAt,
            },
          },
        },
      },
    },
  });
}

async function seedPolicies(tx: TTx) {
  await tx.policy.createMany({
    data: POLICIES.map((policy) => ({
      id: `policy-${policy.key}-v1`,
      version: 1,
      createdById: "user-admin",
      ...policy,
    })),
  });
}

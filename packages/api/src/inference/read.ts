import type { Prisma, PrismaClient } from "@switchyard/db";
import type {
  TRegionCoverage,
  TServiceCandidateSite,
  TServiceRejectedSite,
  TServiceReplica,
} from "@switchyard/placement";
import { teamScope } from "../auth/access.ts";
import type { TSessionUser } from "../auth/session.ts";
import { pageArgs, toPage } from "../lib/pagination.ts";
import type { TListServicesInput } from "../router/service/service.schema.ts";
import { serviceNotFound } from "./access.ts";
import type { TSiteExclusion } from "./rejections.ts";

/** Replica states that count as part of the service (holding, or about to hold, GPUs). */
export const LIVE_REPLICA_STATES = ["PENDING", "AWAITING_APPROVAL", "SCHEDULED", "RUNNING"] as const;

/** A stored plan as the console shows it: money as a number, the engine's result typed. */
export function planView<
  P extends { costUsdPerHour: Prisma.Decimal; replicas: unknown; regions: unknown; explanation: unknown },
>(plan: P) {
  return {
    ...plan,
    costUsdPerHour: Number(plan.costUsdPerHour),
    replicas: plan.replicas as TServiceReplica[],
    regions: plan.regions as TRegionCoverage[],
    explanation: plan.explanation as {
      candidates: TServiceCandidateSite[];
      rejected: TServiceRejectedSite[];
      bound: { lowerBoundUsd: number; gapPct: number } | null;
      /** Sites left out because an approver rejected a replica there (absent in older plans). */
      excluded?: TSiteExclusion[];
    },
  };
}

const PLAN_SUMMARY = {
  id: true,
  status: true,
  feasible: true,
  summary: true,
  costUsdPerHour: true,
  regions: true,
  createdAt: true,
} as const;

/** One page of services the user may see, each with its replicas and its current plan's coverage. */
export async function listServices(prisma: PrismaClient, user: TSessionUser, input: TListServicesInput) {
  const scope = await teamScope(prisma, user);
  const where: Prisma.ServiceWhereInput = {
    ...(scope || input.teamId
      ? {
          teamId: {
            in: (scope ?? [input.teamId ?? ""]).filter((id) => !input.teamId || id === input.teamId),
          },
        }
      : {}),
    ...(input.modelId ? { modelId: input.modelId } : {}),
    ...(input.search ? { name: { contains: input.search, mode: "insensitive" } } : {}),
  };
  const [total, rows] = await Promise.all([
    prisma.service.count({ where }),
    prisma.service.findMany({
      where,
      orderBy: [{ [input.sort]: input.direction }, { id: "asc" }],
      ...pageArgs(input),
      select: {
        id: true,
        name: true,
        state: true,
        applyMode: true,
        createdAt: true,
        team: { select: { id: true, name: true } },
        model: { select: { id: true, name: true, version: true } },
        regions: { select: { region: true } },
        plans: {
          where: { status: { in: ["APPLIED", "PROPOSED"] } },
          orderBy: { createdAt: "desc" },
          select: PLAN_SUMMARY,
        },
        _count: { select: { replicas: { where: { state: { in: [...LIVE_REPLICA_STATES] } } } } },
      },
    }),
  ]);
  return toPage(
    rows.map(({ plans, _count, regions, ...s }) => {
      const applied = plans.find((p) => p.status === "APPLIED");
      const coverage = applied ? (applied.regions as unknown as TRegionCoverage[]) : [];
      return {
        ...s,
        replicas: _count.replicas,
        regionsTotal: regions.length,
        regionsCovered: coverage.filter((r) => r.status === "covered").length,
        costUsdPerHour: applied ? Number(applied.costUsdPerHour) : null,
        hasProposal: plans.some((p) => p.status === "PROPOSED"),
      };
    }),
    total,
    input,
  );
}

/** A service with its demand, replicas (workloads), the plan in force and the pending proposal. */
export async function getServiceOrThrow(prisma: PrismaClient, user: TSessionUser, id: string) {
  const [service, scope] = await Promise.all([
    prisma.service.findUnique({
      where: { id },
      include: {
        team: { select: { id: true, name: true } },
        model: {
          select: {
            id: true,
            name: true,
            version: true,
            classification: true,
            regulations: true,
            residencyCountries: true,
            residencyJurisdictions: true,
            onPremOnly: true,
          },
        },
        createdBy: { select: { name: true, email: true } },
        regions: { orderBy: { region: "asc" } },
        replicas: {
          orderBy: { createdAt: "desc" },
          take: 200,
          select: {
            id: true,
            name: true,
            state: true,
            stateReason: true,
            gpuCount: true,
            userRegion: true,
            createdAt: true,
            site: { select: { id: true, name: true, kind: true } },
            allocations: {
              where: { status: "ACTIVE" },
              select: { gpus: true, node: { select: { id: true, hostname: true, gpuModel: true } } },
            },
          },
        },
        plans: { orderBy: { createdAt: "desc" }, take: 10 },
      },
    }),
    teamScope(prisma, user),
  ]);
  if (!service || (scope && !scope.includes(service.teamId))) throw serviceNotFound(id);
  const plans = service.plans.map(planView);
  return {
    ...service,
    plans: plans.map(({ replicas: _r, regions: _g, explanation: _e, ...p }) => p),
    current: plans.find((p) => p.status === "APPLIED") ?? null,
    proposal: plans.find((p) => p.status === "PROPOSED") ?? null,
  };
}

/** The services serving each of these models (for the model pages' lineage). */
export async function servicesServing(prisma: PrismaClient, modelIds: string[], scope: string[] | null) {
  const rows = await prisma.service.findMany({
    where: { modelId: { in: modelIds }, ...(scope ? { teamId: { in: scope } } : {}) },
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      state: true,
      modelId: true,
      team: { select: { id: true, name: true } },
      _count: { select: { replicas: { where: { state: { in: [...LIVE_REPLICA_STATES] } } } } },
    },
  });
  return rows.map(({ _count, ...s }) => ({ ...s, replicas: _count.replicas }));
}

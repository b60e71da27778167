import type { ApprovalStatus, Prisma, PrismaClient } from "@switchyard/db";
import { teamScope } from "../auth/access.ts";
import type { TSessionUser } from "../auth/session.ts";
import { AppError } from "../errors.ts";
import { pageArgs, type TPage, toPage } from "../lib/pagination.ts";
import type { TApprovalView } from "../router/approval/approval.schema.ts";
import { decisionView } from "../workloads/service.ts";
import { describeApprovers, mayDecide, type TMayDecide } from "./approval-rules.ts";

const listInclude = {
  workload: {
    select: {
      id: true,
      name: true,
      kind: true,
      submittedById: true,
      team: { select: { id: true, name: true } },
    },
  },
  site: { select: { id: true, name: true, jurisdiction: true } },
  transfer: { select: { id: true, status: true, dataset: { select: { id: true, name: true } } } },
  requestedBy: { select: { id: true, name: true, email: true } },
  steps: {
    orderBy: { order: "asc" },
    select: {
      id: true,
      order: true,
      status: true,
      approverKind: true,
      approverRole: true,
      datasetId: true,
      requiredApprovals: true,
      reason: true,
      decisions: { select: { deciderId: true, verdict: true } },
    },
  },
} satisfies Prisma.ApprovalRequestInclude;

type TListRow = Prisma.ApprovalRequestGetPayload<{ include: typeof listInclude }>;

async function visibility(
  prisma: PrismaClient,
  user: TSessionUser,
): Promise<Prisma.ApprovalRequestWhereInput> {
  const scope = await teamScope(prisma, user);
  // Dataset copies belong to no team: everyone who may see datasets may follow them.
  return scope ? { OR: [{ workload: { teamId: { in: scope } } }, { workloadId: null }] } : {};
}

async function deciderFacts(prisma: PrismaClient, user: TSessionUser) {
  const [stewardOf, datasets] = await Promise.all([
    prisma.datasetSteward.findMany({ where: { userId: user.id }, select: { datasetId: true } }),
    prisma.dataset.findMany({ where: { stewards: { some: {} } }, select: { id: true, name: true } }),
  ]);
  return {
    stewardOf: stewardOf.map((s) => s.datasetId),
    datasetNames: new Map(datasets.map((d) => [d.id, d.name])),
  };
}

function currentStepCheck(
  row: TListRow,
  user: TSessionUser,
  facts: Awaited<ReturnType<typeof deciderFacts>>,
  now: Date,
): { step: TListRow["steps"][number] | undefined; check: TMayDecide } {
  const step = row.steps.find((s) => s.status === "PENDING");
  if (!step) return { step, check: { ok: false, why: `This request is ${row.status.toLowerCase()}.` } };
  const check = mayDecide({
    user,
    request: {
      status: row.status,
      expiresAt: row.expiresAt,
      requestedById: row.requestedById,
      submittedById: row.workload?.submittedById ?? "",
    },
    step: { ...step, datasetName: facts.datasetNames.get(step.datasetId ?? "") },
    stepDeciderIds: step.decisions.map((d) => d.deciderId),
    stewardOf: facts.stewardOf,
    now,
  });
  return { step, check };
}

function toListRow(
  row: TListRow,
  current: ReturnType<typeof currentStepCheck>,
  datasetNames: Map<string, string>,
) {
  return {
    id: row.id,
    status: row.status,
    summary: row.summary,
    workload: row.workload,
    transfer: row.transfer,
    site: row.site,
    requestedBy: row.requestedBy,
    estimatedCostUsd: row.estimatedCostUsd === null ? null : Number(row.estimatedCostUsd),
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    decidedAt: row.decidedAt,
    steps: row.steps.length,
    currentStep: current.step
      ? {
          order: current.step.order,
          approvers: describeApprovers(current.step, datasetNames.get(current.step.datasetId ?? "")),
          reason: current.step.reason,
        }
      : null,
    canDecide: current.check.ok,
  };
}

export type TApprovalRow = ReturnType<typeof toListRow>;

export async function listApprovals(
  prisma: PrismaClient,
  user: TSessionUser,
  input: { view: TApprovalView; status?: ApprovalStatus; page: number; pageSize: number },
  now = new Date(),
): Promise<TPage<TApprovalRow>> {
  const visible = await visibility(prisma, user);
  const facts = await deciderFacts(prisma, user);
  const where: Prisma.ApprovalRequestWhereInput = {
    ...visible,
    ...(input.view === "inbox" || input.view === "open" ? { status: "PENDING" } : {}),
    ...(input.view === "decided" ? { status: input.status ?? { not: "PENDING" } } : {}),
    ...(input.view === "mine"
      ? {
          OR: [{ requestedById: user.id }, { workload: { submittedById: user.id } }],
          ...(input.status ? { status: input.status } : {}),
        }
      : {}),
  };
  const orderBy: Prisma.ApprovalRequestOrderByWithRelationInput[] =
    input.view === "inbox" || input.view === "open"
      ? [{ expiresAt: "asc" }, { id: "asc" }]
      : [{ createdAt: "desc" }, { id: "asc" }];
  if (input.view === "inbox")
    where.id = { in: await inboxRequestIds(prisma, user, visible, facts.stewardOf, now) };
  const [total, rows] = await Promise.all([
    prisma.approvalRequest.count({ where }),
    prisma.approvalRequest.findMany({
      where,
      orderBy,
      include: listInclude,
      ...pageArgs(input),
    }),
  ]);
  return toPage(
    rows.map((row) => toListRow(row, currentStepCheck(row, user, facts, now), facts.datasetNames)),
    total,
    input,
  );
}

/** How many requests wait for this user: the count in the navigation, on every page. */
export async function countInbox(
  prisma: PrismaClient,
  user: TSessionUser,
  now = new Date(),
): Promise<number> {
  if (user.role === "VIEWER") return 0;
  const [visible, stewardOf] = await Promise.all([
    visibility(prisma, user),
    prisma.datasetSteward.findMany({ where: { userId: user.id }, select: { datasetId: true } }),
  ]);
  return (
    await inboxRequestIds(
      prisma,
      user,
      visible,
      stewardOf.map((s) => s.datasetId),
      now,
    )
  ).length;
}

/**
 * The open requests whose current step this user may decide, in two indexed queries rather
 * than by loading every open request: the steps the user could decide (mayDecide's rules:
 * the step's role or stewards, not the requester, not decided by this user yet), kept where
 * the step is its request's first still-pending one. mayDecide stays the rule for the
 * decision itself; the approvals tests check that both agree.
 */
async function inboxRequestIds(
  prisma: PrismaClient,
  user: TSessionUser,
  visible: Prisma.ApprovalRequestWhereInput,
  stewardOf: string[],
  now: Date,
): Promise<string[]> {
  const candidates = await prisma.approvalStep.findMany({
    where: {
      status: "PENDING",
      decisions: { none: { deciderId: user.id } },
      OR: [
        { approverKind: "ROLE", approverRole: user.role },
        { approverKind: "DATASET_STEWARDS", datasetId: { in: stewardOf } },
      ],
      request: {
        ...visible,
        status: "PENDING",
        expiresAt: { gt: now },
        requestedById: { not: user.id },
        NOT: { workload: { submittedById: user.id } },
      },
    },
    select: { requestId: true, order: true },
  });
  if (candidates.length === 0) return [];
  const firstPending = await prisma.approvalStep.groupBy({
    by: ["requestId"],
    where: { requestId: { in: candidates.map((c) => c.requestId) }, status: "PENDING" },
    _min: { order: true },
  });
  const current = new Map(firstPending.map((g) => [g.requestId, g._min.order]));
  return [...new Set(candidates.filter((c) => current.get(c.requestId) === c.order).map((c) => c.requestId))];
}

/** What an approver sees of a dataset: its class, rules and stewards. */
const DATASET_FACTS = {
  id: true,
  name: true,
  classification: true,
  regulations: true,
  residencyCountries: true,
  residencyJurisdictions: true,
  onPremOnly: true,
  sizeBytes: true,
  stewards: { select: { user: { select: { name: true, email: true } } } },
} satisfies Prisma.DatasetSelect;

/** One request with everything an approver needs to decide it, and whether this user may. */
export async function getApproval(prisma: PrismaClient, user: TSessionUser, id: string, now = new Date()) {
  const visible = await visibility(prisma, user);
  const request = await prisma.approvalRequest.findFirst({
    where: { id, ...visible },
    include: {
      ...listInclude,
      workload: {
        select: {
          id: true,
          name: true,
          kind: true,
          state: true,
          stateReason: true,
          submittedById: true,
          gpuCount: true,
          gangNodes: true,
          gpusPerNode: true,
          gpuModels: true,
          estimatedHours: true,
          priority: true,
          budgetUsd: true,
          team: { select: { id: true, name: true } },
          submittedBy: { select: { name: true, email: true } },
          datasets: { select: { dataset: { select: DATASET_FACTS } } },
        },
      },
      transfer: {
        select: {
          id: true,
          status: true,
          bytes: true,
          costUsd: true,
          etaSeconds: true,
          completedAt: true,
          dataset: { select: DATASET_FACTS },
          sourceSite: { select: { id: true, name: true, kind: true, country: true, jurisdiction: true } },
        },
      },
      site: {
        select: { id: true, name: true, kind: true, country: true, jurisdiction: true, certifications: true },
      },
      decision: true,
      steps: {
        orderBy: { order: "asc" },
        include: {
          policy: { select: { key: true, version: true, name: true, kind: true } },
          decisions: {
            orderBy: { createdAt: "asc" },
            include: { decider: { select: { name: true, email: true } } },
          },
        },
      },
    },
  });
  if (!request) {
    throw new AppError("NOT_FOUND", `approval request ${id} not visible to ${user.email}`, {
      userMessage: "This approval request does not exist.",
    });
  }
  const facts = await deciderFacts(prisma, user);
  const current = currentStepCheck(request as unknown as TListRow, user, facts, now);
  const { decision, workload, transfer, ...rest } = request;
  const datasetOf = <D extends { sizeBytes: bigint }>(dataset: D) => ({
    ...dataset,
    sizeBytes: Number(dataset.sizeBytes),
  });
  return {
    ...rest,
    estimatedCostUsd: rest.estimatedCostUsd === null ? null : Number(rest.estimatedCostUsd),
    workload: workload
      ? {
          ...workload,
          datasets: undefined,
          estimatedHours: Number(workload.estimatedHours),
          budgetUsd: workload.budgetUsd === null ? null : Number(workload.budgetUsd),
        }
      : null,
    /** What the request is about: the datasets the workload reads, or the one being copied. */
    datasets: workload
      ? workload.datasets.map(({ dataset }) => datasetOf(dataset))
      : transfer
        ? [datasetOf(transfer.dataset)]
        : [],
    transfer: transfer
      ? {
          id: transfer.id,
          status: transfer.status,
          bytes: Number(transfer.bytes),
          costUsd: Number(transfer.costUsd),
          etaSeconds: transfer.etaSeconds,
          completedAt: transfer.completedAt,
          source: transfer.sourceSite,
        }
      : null,
    steps: rest.steps.map((s) => ({
      ...s,
      approvers: describeApprovers(s, facts.datasetNames.get(s.datasetId ?? "")),
      approvals: s.decisions.filter((d) => d.verdict === "APPROVE").length,
    })),
    currentStepId: current.step?.id ?? null,
    canDecide: current.check,
    decision: decision ? decisionView(decision) : null,
  };
}

import { type Prisma, type PrismaClient, verifyAuditEvents } from "@switchyard/db";
import type { TSessionUser } from "../auth/session.ts";
import { consistentRead } from "../lib/consistent-read.ts";
import { getVisibleWorkloadOrThrow } from "../workloads/service.ts";

export const EVIDENCE_FORMAT = "switchyard.evidence/1";

const SITE = { select: { id: true, slug: true, name: true, kind: true, country: true, jurisdiction: true } };
const PERSON = { select: { name: true, email: true } };

const usd = (value: { toString(): string } | null) => (value === null ? null : Number(value));
const email = (person: { email: string } | null) => person?.email ?? null;

/**
 * Everything that shows where one workload ran and under whose authority, as one record an
 * auditor can keep: the request, the data it read, every state change, every placement
 * decision, every GPU it held (released ones too), every copy of data it caused, every
 * approval with the exact policy version it used, and the audit events about it with a check
 * that they are intact. Visible to whoever may see the workload.
 *
 * Byte counts and audit sequence numbers are strings: they are BigInt in the database and an
 * evidence file must not round them.
 */
export async function getWorkloadEvidence(prisma: PrismaClient, user: TSessionUser, id: string) {
  await getVisibleWorkloadOrThrow(prisma, user, id);
  // As of one moment: a decision, an approval or an audit event committed while the record
  // is read is in all of its parts or in none.
  return consistentRead(prisma, (tx) => readEvidence(tx, user, id));
}

async function readEvidence(prisma: Prisma.TransactionClient, user: TSessionUser, id: string) {
  const [workload, decisions, allocations, transfers, approvals] = await Promise.all([
    prisma.workload.findUniqueOrThrow({
      where: { id },
      include: {
        team: { select: { id: true, slug: true, name: true } },
        submittedBy: PERSON,
        site: SITE,
        datasets: {
          select: {
            dataset: {
              select: {
                id: true,
                slug: true,
                name: true,
                classification: true,
                regulations: true,
                residencyCountries: true,
                residencyJurisdictions: true,
                onPremOnly: true,
              },
            },
          },
        },
        events: { orderBy: [{ createdAt: "asc" }, { id: "asc" }], include: { actor: PERSON } },
      },
    }),
    prisma.placementDecision.findMany({
      where: { workloadId: id },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: {
        id: true,
        createdAt: true,
        engineVersion: true,
        profile: true,
        policyVersion: true,
        feasible: true,
        status: true,
        summary: true,
        estimatedCostUsd: true,
        overrideReason: true,
        decidedAt: true,
        recommendedSite: SITE,
        chosenSite: SITE,
        decidedBy: PERSON,
      },
    }),
    prisma.allocation.findMany({
      where: { workloadId: id },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: {
        id: true,
        gpus: true,
        status: true,
        createdAt: true,
        releasedAt: true,
        decisionId: true,
        node: { select: { id: true, hostname: true, gpuModel: true, site: SITE } },
      },
    }),
    prisma.dataTransfer.findMany({
      where: { workloadId: id },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: {
        id: true,
        bytes: true,
        costUsd: true,
        status: true,
        createdAt: true,
        startedAt: true,
        completedAt: true,
        dataset: { select: { id: true, slug: true, name: true } },
        sourceSite: SITE,
        destinationSite: SITE,
      },
    }),
    prisma.approvalRequest.findMany({
      where: { workloadId: id },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: {
        id: true,
        kind: true,
        status: true,
        summary: true,
        decisionId: true,
        transferId: true,
        estimatedCostUsd: true,
        overrideReason: true,
        createdAt: true,
        expiresAt: true,
        decidedAt: true,
        requestedBy: PERSON,
        site: SITE,
        steps: {
          orderBy: { order: "asc" },
          select: {
            order: true,
            approverKind: true,
            approverRole: true,
            requiredApprovals: true,
            reason: true,
            status: true,
            datasetId: true,
            policy: { select: { id: true, key: true, version: true, kind: true, name: true } },
            decisions: {
              orderBy: [{ createdAt: "asc" }, { id: "asc" }],
              select: { verdict: true, comment: true, createdAt: true, decider: PERSON },
            },
          },
        },
      },
    }),
  ]);

  // Audit events about the workload and about the objects it caused: its decisions (an
  // override is audited on the decision), its transfers and its approval requests.
  const objects = [
    { objectType: "Workload", objectId: id },
    ...decisions.map((d) => ({ objectType: "PlacementDecision", objectId: d.id })),
    ...transfers.map((t) => ({ objectType: "DataTransfer", objectId: t.id })),
    ...approvals.map((a) => ({ objectType: "ApprovalRequest", objectId: a.id })),
  ];
  const auditEvents = await prisma.auditEvent.findMany({
    where: { OR: objects },
    orderBy: { seq: "asc" },
    select: {
      seq: true,
      action: true,
      actorLabel: true,
      objectType: true,
      objectId: true,
      createdAt: true,
      hash: true,
    },
  });
  // The whole-chain walk (audit.verify) reads every event ever written; an export checks its
  // own events in place instead, in time that does not grow with the chain.
  const verification = await verifyAuditEvents(
    prisma,
    auditEvents.map((e) => e.seq),
  );
  // Stewards as they are now: a steward step records the dataset, not who stewarded it then;
  // who actually decided is in the step's decisions.
  const stewardDatasets = [
    ...new Set([
      ...workload.datasets.map((d) => d.dataset.id),
      ...approvals.flatMap((a) => a.steps.flatMap((s) => (s.datasetId ? [s.datasetId] : []))),
    ]),
  ];
  const stewardRows = await prisma.datasetSteward.findMany({
    where: { datasetId: { in: stewardDatasets } },
    select: { datasetId: true, dataset: { select: { slug: true } }, user: { select: { email: true } } },
    orderBy: [{ datasetId: "asc" }, { userId: "asc" }],
  });
  const stewardsOf = (datasetId: string) =>
    stewardRows.filter((s) => s.datasetId === datasetId).map((s) => s.user.email);
  const slugOf = (datasetId: string) =>
    stewardRows.find((s) => s.datasetId === datasetId)?.dataset.slug ??
    workload.datasets.find((d) => d.dataset.id === datasetId)?.dataset.slug ??
    datasetId;

  return {
    format: EVIDENCE_FORMAT,
    generatedAt: new Date(),
    generatedBy: user.email,
    workload: {
      id: workload.id,
      name: workload.name,
      kind: workload.kind,
      team: workload.team,
      submittedBy: workload.submittedBy,
      state: workload.state,
      stateReason: workload.stateReason,
      createdAt: workload.createdAt,
      startedAt: workload.startedAt,
      finishedAt: workload.finishedAt,
      gpu: {
        count: workload.gpuCount,
        gangNodes: workload.gangNodes,
        gpusPerNode: workload.gpusPerNode,
        models: workload.gpuModels,
        minGpuMemoryGib: workload.minGpuMemoryGib,
      },
      estimatedHours: Number(workload.estimatedHours),
      budgetUsd: usd(workload.budgetUsd),
      site: workload.site,
    },
    datasets: workload.datasets.map(({ dataset }) => ({
      ...dataset,
      stewards: stewardsOf(dataset.id),
    })),
    timeline: workload.events.map((e) => ({
      at: e.createdAt,
      from: e.fromState,
      to: e.toState,
      actor: email(e.actor),
      reason: e.reason,
    })),
    decisions: decisions.map((d) => ({
      id: d.id,
      createdAt: d.createdAt,
      engineVersion: d.engineVersion,
      profile: d.profile,
      policyVersion: d.policyVersion,
      feasible: d.feasible,
      status: d.status,
      summary: d.summary,
      recommendedSite: d.recommendedSite,
      chosenSite: d.chosenSite,
      estimatedCostUsd: usd(d.estimatedCostUsd),
      overrideReason: d.overrideReason,
      decidedBy: email(d.decidedBy),
      decidedAt: d.decidedAt,
    })),
    allocations: allocations.map((a) => ({
      id: a.id,
      decisionId: a.decisionId,
      node: { id: a.node.id, hostname: a.node.hostname },
      site: a.node.site,
      gpuModel: a.node.gpuModel,
      gpus: a.gpus,
      status: a.status,
      from: a.createdAt,
      to: a.releasedAt,
    })),
    transfers: transfers.map((t) => ({
      id: t.id,
      dataset: t.dataset,
      source: t.sourceSite,
      destination: t.destinationSite,
      crossesJurisdiction: t.sourceSite.jurisdiction !== t.destinationSite.jurisdiction,
      bytes: t.bytes.toString(),
      costUsd: Number(t.costUsd),
      status: t.status,
      createdAt: t.createdAt,
      startedAt: t.startedAt,
      completedAt: t.completedAt,
    })),
    approvals: approvals.map((a) => ({
      id: a.id,
      kind: a.kind,
      status: a.status,
      summary: a.summary,
      decisionId: a.decisionId,
      transferId: a.transferId,
      site: a.site,
      estimatedCostUsd: usd(a.estimatedCostUsd),
      overrideReason: a.overrideReason,
      requestedBy: a.requestedBy.email,
      createdAt: a.createdAt,
      expiresAt: a.expiresAt,
      decidedAt: a.decidedAt,
      steps: a.steps.map((s) => ({
        order: s.order,
        policy: s.policy,
        approverKind: s.approverKind,
        approverRole: s.approverRole,
        dataset: s.datasetId ? slugOf(s.datasetId) : null,
        approvers:
          s.approverKind === "ROLE" ? [`role:${s.approverRole}`] : s.datasetId ? stewardsOf(s.datasetId) : [],
        requiredApprovals: s.requiredApprovals,
        reason: s.reason,
        status: s.status,
        decisions: s.decisions.map((v) => ({
          decider: v.decider.email,
          verdict: v.verdict,
          comment: v.comment,
          at: v.createdAt,
        })),
      })),
    })),
    audit: {
      events: auditEvents.map((e) => ({
        seq: e.seq.toString(),
        action: e.action,
        actor: e.actorLabel,
        objectType: e.objectType,
        objectId: e.objectId,
        at: e.createdAt,
        hash: e.hash,
      })),
      verification: {
        scope: "these events: content against hash, and links to their neighbours in the chain",
        ok: verification.ok,
        checked: verification.checked,
        broken: verification.broken.map((b) => ({ seq: b.seq.toString(), reason: b.reason })),
      },
    },
  };
}

export type TWorkloadEvidence = Awaited<ReturnType<typeof getWorkloadEvidence>>;

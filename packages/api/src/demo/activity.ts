import type { PrismaClient } from "@switchyard/db";
import type { TSessionUser } from "../auth/session.ts";
import { decideApproval } from "../governance/approvals.ts";
import { applyServicePlan } from "../inference/apply.ts";
import { createService } from "../inference/write.ts";
import type { TMutationContext } from "../lib/audited.ts";
import type { TWorkloadSpec } from "../router/workload/workload.schema.ts";
import { placeWorkload, scheduleWorkload, submitWorkload } from "../workloads/service.ts";

/**
 * A morning's governance on the demo estate, made through the real services (placement,
 * approval rules, decisions, audit, webhooks) rather than written as rows, so a newcomer's
 * inbox holds requests with real placement explanations:
 * - waiting for steward@: eu-support-assistant-ft (GDPR transcripts) and claims-anomaly-scan;
 * - waiting for admin@: an override by the platform engineer;
 * - decided: claims-cohort-eval approved, claims-export-sandbox rejected with a comment;
 * - a running inference service, defect-detector-eu, serving the demo model artifact.
 * Runs once, right after the demo seed, while the seeded eu-support-assistant-ft is unplaced.
 */
export async function seedDemoActivity(prisma: PrismaClient): Promise<{ ran: boolean; reason?: string }> {
  const euSupport = await prisma.workload.findUnique({
    where: { id: "workload-eu-support-ft" },
    select: { state: true, _count: { select: { decisions: true } } },
  });
  if (!euSupport) return { ran: false, reason: "the demo estate is not there" };
  if (euSupport.state !== "PENDING" || euSupport._count.decisions > 0)
    return { ran: false, reason: "the demo activity has run already" };

  const users = await prisma.user.findMany({
    where: {
      email: { in: ["engineer@switchyard.demo", "steward@switchyard.demo", "platform@switchyard.demo"] },
    },
    select: { id: true, email: true, name: true, role: true },
  });
  const as = (email: string) => {
    const user = users.find((u) => u.email === email) as TSessionUser | undefined;
    if (!user) throw new Error(`demo activity: no user ${email}`);
    return { prisma, user, requestId: "demo-activity" };
  };
  const engineer = as("engineer@switchyard.demo");
  const steward = as("steward@switchyard.demo");
  const platform = as("platform@switchyard.demo");

  /** Schedules a placed workload at its recommendation, or overrides to its runner-up. */
  async function schedule(ctx: typeof engineer, workloadId: string, override?: string) {
    const decision = await prisma.placementDecision.findFirst({
      where: { workloadId, status: "PROPOSED", feasible: true },
      orderBy: { createdAt: "desc" },
    });
    if (!decision) throw new Error(`demo activity: ${workloadId} found no site`);
    const candidates = (decision.candidates as { candidates: { siteId: string }[] }).candidates;
    const runnerUp = candidates[1]?.siteId;
    const result = await scheduleWorkload(ctx, {
      id: workloadId,
      decisionId: decision.id,
      ...(override && runnerUp ? { override: { siteId: runnerUp, reason: override } } : {}),
    });
    if (result.state !== "AWAITING_APPROVAL")
      throw new Error(`demo activity: ${workloadId} did not need approval (${result.state})`);
    const request = await prisma.approvalRequest.findFirstOrThrow({
      where: { workloadId, status: "PENDING" },
      select: { id: true },
    });
    return request.id;
  }

  async function submit(ctx: typeof engineer, spec: Partial<TWorkloadSpec> & Pick<TWorkloadSpec, "name">) {
    const { id } = await submitWorkload(ctx, { spec: { ...CLAIMS_JOB, ...spec }, asDraft: false });
    return id;
  }

  // Seeded PENDING workloads have no decision yet: place it as its team would.
  const placed = await placeWorkload(engineer, "workload-eu-support-ft");
  if (!placed?.feasible)
    throw new Error(`demo activity: eu-support-assistant-ft found no site: ${placed?.summary}`);
  await schedule(engineer, "workload-eu-support-ft");
  await schedule(engineer, await submit(engineer, { name: "claims-anomaly-scan", estimatedHours: 4 }));

  const approved = await schedule(engineer, await submit(engineer, { name: "claims-cohort-eval" }));
  await decideApproval(steward, {
    id: approved,
    verdict: "APPROVE",
    comment: "Cohort evaluation stays in the US on a HIPAA site. Approved.",
  });
  const rejected = await schedule(
    engineer,
    await submit(engineer, { name: "claims-export-sandbox", estimatedHours: 2 }),
  );
  await decideApproval(steward, {
    id: rejected,
    verdict: "REJECT",
    comment: "Sandbox work must use the de-identified extract, not raw claims. Resubmit against it.",
  });

  const overridden = await submit(platform, {
    name: "embedding-refresh-eu",
    kind: "BATCH_INFERENCE",
    teamId: "team-inference-platform",
    gpu: { count: 2 },
    gpuModels: ["L4"],
    estimatedHours: 3,
    datasetIds: ["dataset-product-catalog-embeddings"],
    requiredCertifications: [],
    priority: 40,
  });
  await schedule(platform, overridden, "keep the refresh next to the EU serving fleet");
  await seedDemoService(platform);
  return { ran: true };
}

/**
 * The defect detector trained on the EU plants' regulated images, served to EU users from the
 * Munich factory's edge GPUs, a cloud region and, for the Nordic plants (within 6 ms: only
 * Stockholm is that close), the Stockholm data centre (it carries its data's EU residency, so no
 * site outside the EU may host a replica): created, planned and applied through the real services,
 * so its replicas hold GPUs like any workload. Applied automatically when demand changes.
 */
async function seedDemoService(ctx: TMutationContext) {
  const created = await createService(ctx, {
    name: "defect-detector-eu",
    description: "Line-camera defect detection for the EU plants' quality dashboards.",
    teamId: "team-vision-edge",
    modelId: "dataset-defect-detector-v1",
    gpu: { count: 1 },
    gpuModels: ["Jetson-AGX-Orin", "L4", "A100-80GB"],
    replicaCapacityRps: 60,
    regions: [
      { region: "eu-central", demandRps: 180, maxLatencyMs: 8 },
      { region: "eu-west", demandRps: 120, maxLatencyMs: 10 },
      { region: "eu-north", demandRps: 60, maxLatencyMs: 6 },
    ],
    minReplicas: 2,
    maxReplicas: 12,
    allowedKinds: [],
    requiredCertifications: [],
    applyMode: "AUTO",
  });
  await applyServicePlan(ctx, created.id, created.planId);
}

const CLAIMS_JOB: TWorkloadSpec = {
  name: "claims",
  kind: "BATCH_INFERENCE",
  teamId: "team-health-ai",
  gpu: { count: 8 },
  gpuModels: ["H100"],
  estimatedHours: 6,
  datasetIds: ["dataset-claims-2025"],
  requiredCertifications: ["HIPAA"],
  allowedKinds: [],
  priority: 55,
  preemptible: false,
  dependsOn: [],
};

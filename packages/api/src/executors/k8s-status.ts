import type { V1Job } from "@kubernetes/client-node";
import type { TKubeCondition, TKueueWorkload } from "./k8s-client.ts";
import type { TJobObservation } from "./lifecycle.ts";

const isTrue = (conditions: TKubeCondition[] | undefined, type: string) =>
  conditions?.find((c) => c.type === type && c.status === "True");

const time = (value: string | Date | undefined | null): Date | null => {
  if (!value) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
};

const detail = (c: TKubeCondition) => `${c.reason ?? c.type}${c.message ? `: ${c.message}` : ""}`;

/**
 * A Job and its Kueue Workload in the shared lifecycle's terms, at Kubernetes' own times
 * (conditions' lastTransitionTime, the Job's startTime and completionTime):
 * - Job condition Complete → succeeded; Failed (BackoffLimitExceeded, DeadlineExceeded,
 *   PodFailurePolicy...) → failed with the reason and message;
 * - Kueue Workload Evicted (Preempted, PodsReadyTimeout, NodeFailures...) → preempted when the
 *   Job had started (Switchyard places it again), otherwise still waiting with the reason;
 * - a started, unsuspended Job (Kueue Admitted) → running;
 * - anything else → waiting in the queue, with Kueue's QuotaReserved/Admitted reason;
 * - no Job → lost.
 */
export function observeKubeJob(
  ref: { namespace: string; name: string },
  job: V1Job | null,
  kueue: TKueueWorkload | undefined,
): TJobObservation {
  const label = `Job ${ref.namespace}/${ref.name}`;
  if (!job)
    return {
      phase: "lost",
      reason: `the API server no longer has ${label}; it was deleted outside Switchyard`,
      startedAt: null,
      endedAt: null,
      tracked: { externalState: "NotFound", externalReason: "not known to the API server" },
    };
  const jobConditions = (job.status?.conditions ?? []) as TKubeCondition[];
  const wlConditions = kueue?.status?.conditions ?? [];
  const startedAt = time(job.status?.startTime);
  const nodes = job.metadata?.annotations?.["switchyard.io/nodes"] ?? null;
  const runningReason = `${label} admitted by Kueue${
    kueue?.status?.admission?.clusterQueue ? ` (ClusterQueue ${kueue.status.admission.clusterQueue})` : ""
  } and running`;

  const complete = isTrue(jobConditions, "Complete");
  if (complete) {
    const endedAt = time(job.status?.completionTime) ?? time(complete.lastTransitionTime);
    return {
      phase: "succeeded",
      reason: `${label} completed (${job.status?.succeeded ?? 0} of ${job.spec?.completions ?? 1} pods succeeded)`,
      runningReason,
      startedAt: startedAt ?? endedAt,
      endedAt,
      tracked: { externalState: "Complete", externalReason: complete.reason ?? null, nodes, exitCode: 0 },
    };
  }
  const failed = isTrue(jobConditions, "Failed");
  if (failed) {
    return {
      phase: "failed",
      reason: `${label} failed: ${detail(failed)}`,
      runningReason,
      startedAt,
      endedAt: time(failed.lastTransitionTime),
      tracked: { externalState: "Failed", externalReason: failed.reason ?? null, nodes },
    };
  }
  const evicted = isTrue(wlConditions, "Evicted");
  if (evicted && startedAt) {
    return {
      phase: "preempted",
      reason: `Kueue evicted ${label} (${detail(evicted)}); Switchyard places it again`,
      startedAt,
      endedAt: time(evicted.lastTransitionTime),
      tracked: { externalState: "Evicted", externalReason: evicted.reason ?? null, nodes },
    };
  }
  const admitted = isTrue(wlConditions, "Admitted");
  const suspended = job.spec?.suspend === true;
  if (!suspended && startedAt && (admitted || !kueue)) {
    return {
      phase: "running",
      reason: runningReason,
      runningReason,
      startedAt,
      endedAt: null,
      tracked: {
        externalState: "Running",
        externalReason: `${job.status?.active ?? 0} pod(s) active`,
        nodes,
        startedAt,
      },
    };
  }
  // Waiting: say what Kueue says.
  let why: string;
  let state = "Queued";
  if (evicted) {
    why = `evicted by Kueue (${detail(evicted)}), queued again`;
    state = "Evicted";
  } else if (!kueue) {
    why = "waiting for Kueue to create its Workload";
  } else if (admitted) {
    why = "admitted by Kueue, pods starting";
    state = "Admitted";
  } else {
    const reserved = wlConditions.find((c) => c.type === "QuotaReserved");
    const notAdmitted = wlConditions.find((c) => c.type === "Admitted");
    const shown =
      reserved?.status === "False" ? reserved : notAdmitted?.status === "False" ? notAdmitted : reserved;
    why = shown
      ? `pending in queue ${job.metadata?.labels?.["kueue.x-k8s.io/queue-name"] ?? "?"}: ${detail(shown)}`
      : "pending in its Kueue queue";
    if (reserved?.status === "True") state = "QuotaReserved";
  }
  return {
    phase: "waiting",
    reason: `${label} ${why}`,
    startedAt: null,
    endedAt: null,
    tracked: { externalState: state, externalReason: why, nodes },
  };
}

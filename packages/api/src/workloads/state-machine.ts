import type { WorkloadState } from "@switchyard/db";

/**
 * The workload lifecycle. Every change of state goes through assertTransition, and every
 * allowed change is recorded as a WorkloadEvent with actor and reason.
 *
 * DRAFT -> PENDING -> (AWAITING_APPROVAL) -> SCHEDULED -> RUNNING -> SUCCEEDED | FAILED,
 * with CANCELLED from any live state, REJECTED by placement or approval, PREEMPTED for
 * lower-priority preemptible work, and back to PENDING when a node fails or a preempted
 * workload is queued again.
 */
export const TRANSITIONS: Record<WorkloadState, readonly WorkloadState[]> = {
  DRAFT: ["PENDING", "CANCELLED"],
  PENDING: ["AWAITING_APPROVAL", "SCHEDULED", "REJECTED", "CANCELLED"],
  AWAITING_APPROVAL: ["PENDING", "SCHEDULED", "REJECTED", "CANCELLED"],
  SCHEDULED: ["RUNNING", "PENDING", "PREEMPTED", "FAILED", "CANCELLED"],
  RUNNING: ["SUCCEEDED", "FAILED", "PENDING", "PREEMPTED", "CANCELLED"],
  PREEMPTED: ["PENDING", "CANCELLED"],
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: [],
  REJECTED: [],
};

export const TERMINAL_STATES: readonly WorkloadState[] = ["SUCCEEDED", "FAILED", "CANCELLED", "REJECTED"];
/** States in which a workload holds GPUs. */
export const HOLDING_STATES: readonly WorkloadState[] = ["SCHEDULED", "RUNNING"];

export function canTransition(from: WorkloadState, to: WorkloadState): boolean {
  return TRANSITIONS[from].includes(to);
}

export type TTransitionCheck = { ok: true } | { ok: false; message: string };

export function checkTransition(from: WorkloadState, to: WorkloadState): TTransitionCheck {
  if (canTransition(from, to)) return { ok: true };
  const allowed = TRANSITIONS[from];
  return {
    ok: false,
    message:
      allowed.length === 0
        ? `A ${from} workload is finished; it cannot become ${to}.`
        : `A ${from} workload cannot become ${to}; it can become ${allowed.join(", ")}.`,
  };
}

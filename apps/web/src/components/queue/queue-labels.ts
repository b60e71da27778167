import type { RouterOutputs } from "@switchyard/api";

export type TQueueRow = RouterOutputs["fairShare"]["queue"]["rows"][number];

/** What a queued workload waits for, as people say it. */
export const WAITING_FOR_LABEL: Record<TQueueRow["waitingFor"], string> = {
  APPROVAL: "Approval",
  DEPENDENCY: "Dependency",
  DATA: "Data arrival",
  QUOTA: "Quota",
  CAPACITY: "Capacity",
  FAIR_SHARE: "Fair share",
};

export const formatShare = (share: number) => `${(Math.round(share * 1000) / 10).toFixed(1)}%`;

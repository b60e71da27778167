// Fair sharing of GPUs across teams (issue 19): entitlements, shares, fair order, reclaim.

export { type TCapacityByModel, type TGpuAmount, ZCapacityByModel, ZGpuAmount } from "./amounts";
export { capacityByModel } from "./capacity";
export { classifyBorrowed, type TBorrowClass, type TRunningWork, ZRunningWork } from "./classify";
export { fairOrder, type TPendingWork, type TQueuePosition, ZPendingWork } from "./fair-order";
export {
  planReclaim,
  type TPendingRequest,
  type TReclaimInput,
  type TReclaimPlacement,
  type TReclaimPlan,
  type TReclaimPreemption,
} from "./reclaim";
export {
  replayQueue,
  type TExpectedStart,
  type TReplayInput,
  type TReplayQueued,
  type TReplayRunning,
} from "./replay";
export { fairRound, type TFairRound, type TFairRoundInput } from "./round";
export { computeShares, type TModelShare, type TShares, type TTeamShare } from "./shares";
export {
  ANY_MODEL,
  indexTree,
  type TEntitlementKind,
  type TEntitlementNode,
  type TEntitlementNodeInput,
  type TEntitlementTree,
  ZEntitlementKind,
  ZEntitlementNode,
  ZEntitlementTree,
} from "./tree";

// Public surface of the placement engine: place, placeBatch, the types and the registry.

export type {
  TBatchBound,
  TBatchPlacement,
  TBatchResult,
  TPreemption,
  TUnplaced,
} from "./batch/batch-result";
export { placeBatch, type TPlaceBatchInput } from "./batch/place-batch";
export * from "./fairshare/index";
export { CycleState, createStateKey, missingState, type TStateKey } from "./framework/cycle-state";
export { MAX_SCORE, normalizeScores } from "./framework/normalize-score";
export type { TScoreEntry } from "./framework/run-scores";
export {
  errorStatus,
  skip,
  success,
  type TStatus,
  type TStatusCode,
  type TStatusReason,
  unresolvable,
  unschedulable,
} from "./framework/status";
export type {
  TFilterPlugin,
  TOption,
  TPlugin,
  TPluginContext,
  TReason,
  TResolvedPolicy,
  TScorePlugin,
  TSiteCandidate,
} from "./framework/types";
export { explainSite } from "./place/explain-site";
export { place, type TEngineOptions, type TPlaceInput } from "./place/place";
export type {
  TCandidate,
  TCostBreakdown,
  TFunnelStep,
  TNodeAssignment,
  TPlacementResult,
  TReasonCount,
  TRejectedSite,
} from "./place/result";
export { DEFAULT_FILTERS, DEFAULT_PROFILE, profiles, type TProfile } from "./profiles";
export {
  defaultRegistry,
  listPlugins,
  type TPluginFactory,
  type TPluginInfo,
  type TRegistry,
} from "./registry";
export {
  ADDED_NODE_PREFIX,
  applyScenario,
  releaseWorkloads,
  type TApplyScenarioInput,
  type TScenarioApplied,
  type TScenarioService,
} from "./scenario/apply-scenario";
export {
  compareReplays,
  type TReplayComparison,
  type TReplaySpot,
  type TTeamDelta,
  type TWorkloadChange,
} from "./scenario/compare-replays";
export { replayScenario, type TReplayScenarioInput, type TScenarioReplay } from "./scenario/replay-scenario";
export {
  placeServiceOnEstate,
  replayServices,
  type TRegionServed,
  type TReplayServicesInput,
  type TReplicaMove,
  type TServiceRegionChange,
  type TServiceReplayRow,
  type TServiceSite,
} from "./scenario/replay-services";
export * from "./scenario/scenario.schema";
export * from "./schema/request.schema";
export * from "./schema/snapshot.schema";
export { placeService, prepareServiceProblem, type TPlaceServiceInput } from "./services/place-service";
export type * from "./services/service-result";
export * from "./services/service-spec.schema";
export type { TTransfer } from "./snapshot/data-movement";
export { KNOWN_GPU_MODELS } from "./snapshot/gpu-catalog";
export { indexSnapshot, isPreparedSnapshot } from "./snapshot/index-snapshot";
export { PlacementInputError, type TInputIssue } from "./snapshot/input-error";
export type { TPreparedSnapshot } from "./snapshot/prepared-snapshot";
export { withAllocations } from "./snapshot/with-allocations";
export { type TSnapshotChanges, withChanges, ZSnapshotChanges } from "./snapshot/with-changes";

import type { TBatchResult } from "../batch/batch-result";
import { placeBatch } from "../batch/place-batch";
import type { TSnapshotInput } from "../schema/snapshot.schema";
import type { TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import {
  applyScenario,
  releaseWorkloads,
  type TApplyScenarioInput,
  type TScenarioApplied,
} from "./apply-scenario";
import { compareReplays, type TReplayComparison } from "./compare-replays";
import { replayServices, type TServiceReplayRow } from "./replay-services";

export type TReplayScenarioInput = TApplyScenarioInput & {
  readonly snapshot: TSnapshotInput | TPreparedSnapshot;
  /** Running workloads among `requests`: their GPUs are released and they are placed again. */
  readonly running: readonly string[];
};

export type TScenarioReplay = {
  /** The batch on the estate as it is (running work released too): what the changes are compared with. */
  readonly baseline: TBatchResult;
  /** The batch on the changed estate. */
  readonly scenario: TBatchResult;
  readonly applied: TScenarioApplied;
  readonly comparison: TReplayComparison;
  /** Each inference service placed as it is and with the changes (see replayServices); by service id. */
  readonly services: readonly TServiceReplayRow[];
};

/**
 * Replays the placement of running and pending work twice with the batch engine, on the estate
 * as it is and with the scenario's changes, and compares the two; each inference service in
 * `services` is placed twice too, by the covering mode (replayServices), on the estate with
 * everything else where it is. Pure: nothing is changed.
 * Throws PlacementInputError (paths `changes.<i>.<field>`) for changes the estate cannot take.
 */
export function replayScenario(input: TReplayScenarioInput): TScenarioReplay {
  const released = releaseWorkloads(input.snapshot, input.running);
  const applied = applyScenario({ ...input, snapshot: released });
  const baseline = placeBatch({ snapshot: released, requests: input.requests, explainUnplaced: "summary" });
  const scenario = placeBatch({
    snapshot: applied.snapshot,
    requests: applied.requests,
    explainUnplaced: "summary",
  });
  const comparison = compareReplays(
    input.requests,
    { result: baseline, snapshot: released },
    { result: scenario, snapshot: applied.snapshot },
  );
  const services =
    (input.services ?? []).length === 0
      ? []
      : replayServices({
          baseline: input.snapshot,
          // The services' estate keeps the running work where it is, as a re-plan sees it.
          scenario: applyScenario({ ...input, snapshot: input.snapshot }).snapshot,
          before: input.services ?? [],
          after: applied.services,
        });
  return { baseline, scenario, applied, comparison, services };
}

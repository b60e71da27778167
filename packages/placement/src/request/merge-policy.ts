import type { TPolicy } from "../schema/request.schema";

/**
 * The caller's policy is the default; a workload's own policy overrides it. A workload
 * that names a profile brings its own policy entirely; otherwise its weights and mode
 * apply on top of the caller's.
 */
export function mergePolicies(
  caller: TPolicy | undefined,
  workload: TPolicy | undefined,
): TPolicy | undefined {
  if (workload === undefined) return caller;
  if (caller === undefined || workload.profile !== undefined) return workload;
  const hasWeights = workload.weights !== undefined;
  return {
    profile: caller.profile,
    weights: hasWeights ? { ...(caller.weights ?? {}), ...workload.weights } : caller.weights,
    weightMode: hasWeights ? workload.weightMode : caller.weightMode,
    utilisation: workload.utilisation ?? caller.utilisation,
  };
}

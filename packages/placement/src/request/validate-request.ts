import { ZWorkloadRequest } from "../schema/request.schema";
import { joinPath, PlacementInputError, type TInputIssue, toInputIssues } from "../snapshot/input-error";
import type { TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import { type TPlacementRequest, toPlacementRequest } from "./placement-request";

/**
 * Parses a request and checks it against the snapshot: GPU models must be known (the
 * canonical list or present on a node), datasets must exist. Returns the issues instead
 * of throwing so a batch can report every bad request at once; `prefix` names the request
 * in paths ("requests.3").
 */
export function checkRequest(
  prepared: TPreparedSnapshot,
  input: unknown,
  prefix: string,
): { request: TPlacementRequest; issues: [] } | { request: undefined; issues: TInputIssue[] } {
  const parsed = ZWorkloadRequest.safeParse(input);
  const issues: TInputIssue[] = parsed.success ? [] : toInputIssues(parsed.error, prefix);
  // Reference checks run on unparsed input too, so one error lists every problem.
  const raw = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  checkReferences(raw.gpuModels, prepared.knownModels, (model, i) =>
    issues.push({ path: joinPath(prefix, `gpuModels.${i}`), message: `unknown GPU model '${model}'` }),
  );
  checkReferences(raw.datasetIds, prepared.datasets, (datasetId, i) =>
    issues.push({ path: joinPath(prefix, `datasetIds.${i}`), message: `unknown dataset '${datasetId}'` }),
  );
  if (issues.length > 0 || !parsed.success) return { request: undefined, issues };
  return { request: toPlacementRequest(parsed.data), issues: [] };
}

export function validateRequest(prepared: TPreparedSnapshot, input: unknown): TPlacementRequest {
  const checked = checkRequest(prepared, input, "");
  if (checked.request === undefined) throw new PlacementInputError(checked.issues);
  return checked.request;
}

/** Calls `unknown` for each string of `value` (an array, or anything) that `known` lacks. */
function checkReferences(
  value: unknown,
  known: { has(key: string): boolean },
  unknown: (key: string, index: number) => void,
): void {
  if (!Array.isArray(value)) return;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item === "string" && !known.has(item)) unknown(item, i);
  }
}

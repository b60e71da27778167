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
  strings(raw.gpuModels).forEach(([model, i]) => {
    if (!prepared.knownModels.has(model)) {
      issues.push({ path: joinPath(prefix, `gpuModels.${i}`), message: `unknown GPU model '${model}'` });
    }
  });
  strings(raw.datasetIds).forEach(([datasetId, i]) => {
    if (!prepared.datasets.has(datasetId)) {
      issues.push({ path: joinPath(prefix, `datasetIds.${i}`), message: `unknown dataset '${datasetId}'` });
    }
  });
  if (issues.length > 0 || !parsed.success) return { request: undefined, issues };
  return { request: toPlacementRequest(parsed.data), issues: [] };
}

export function validateRequest(prepared: TPreparedSnapshot, input: unknown): TPlacementRequest {
  const checked = checkRequest(prepared, input, "");
  if (checked.request === undefined) throw new PlacementInputError(checked.issues);
  return checked.request;
}

function strings(value: unknown): [string, number][] {
  const out: [string, number][] = [];
  if (!Array.isArray(value)) return out;
  value.forEach((item, i) => {
    if (typeof item === "string") out.push([item, i]);
  });
  return out;
}

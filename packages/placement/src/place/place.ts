import { profiles as builtInProfiles, type TProfile } from "../profiles";
import { defaultRegistry, type TRegistry } from "../registry";
import { mergePolicies } from "../request/merge-policy";
import type { TPlacementRequest } from "../request/placement-request";
import { resolvePolicy } from "../request/resolve-policy";
import { checkRequest } from "../request/validate-request";
import {
  type TPolicy,
  type TPolicyInput,
  type TWorkloadRequestInput,
  ZPolicy,
} from "../schema/request.schema";
import type { TSnapshotInput } from "../schema/snapshot.schema";
import { indexSnapshot } from "../snapshot/index-snapshot";
import { joinPath, PlacementInputError, type TInputIssue, toInputIssues } from "../snapshot/input-error";
import type { TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import { buildEngine, type TEngine } from "./engine";
import type { TPlacementResult } from "./result";
import { runPlacement } from "./run-placement";

export type TEngineOptions = {
  /** The caller's default policy; a request's own `policy` overrides it. Default profile: "balanced". */
  readonly policy?: TPolicyInput;
  readonly registry?: TRegistry;
  readonly profiles?: ReadonlyMap<string, TProfile>;
};

export type TPlaceInput = TEngineOptions & {
  /** A raw snapshot (validated here) or one prepared by indexSnapshot() for reuse. */
  readonly snapshot: TSnapshotInput | TPreparedSnapshot;
  readonly request: TWorkloadRequestInput;
  /**
   * Choose nodes (and price the copies) for the best N feasible sites only, in rank order; the
   * feasible sites past them are filtered and scored but counted, in `unbuilt`, not built. For
   * callers that show or store the top N (compact answers and decisions). Default: all.
   */
  readonly maxCandidates?: number;
  /**
   * Sites whose candidates are built even past `maxCandidates` (when they are feasible): a
   * caller that means to schedule at a site a batch chose, which the top N may not hold.
   */
  readonly includeSites?: readonly string[];
  /**
   * What each rejected site keeps: "all" its reasons (default; a why-not and a full answer read
   * them), or "first" the first only, which is all that `reasonCounts`, the funnel and the summary
   * count. For compact callers that drop `rejected`: the later filters never run on a rejected site.
   */
  readonly reasons?: "all" | "first";
};

/**
 * Recommends where one workload should run and explains every site's verdict. Pure and
 * deterministic. Returns `feasible: false` with reasons when nothing fits; throws
 * PlacementInputError only for malformed or impossible input.
 */
export function place(input: TPlaceInput): TPlacementResult {
  const prepared = indexSnapshot(input.snapshot);
  const caller = parseCallerPolicy(input.policy);
  const checked = checkPlacement(prepared, input.request, caller.policy, input, "");
  const issues = [...caller.issues, ...checked.issues];
  const max = input.maxCandidates;
  if (max !== undefined && !(Number.isInteger(max) && max >= 1))
    issues.push({ path: "maxCandidates", message: "must be a whole number of at least 1" });
  const included = checkIncludedSites(prepared, input.includeSites, issues);
  const reasons = input.reasons ?? "all";
  if (reasons !== "all" && reasons !== "first")
    issues.push({ path: "reasons", message: 'must be "all" or "first"' });
  if (checked.request === undefined || checked.engine === undefined || issues.length > 0) {
    throw new PlacementInputError(issues);
  }
  return runPlacement(prepared, prepared.capacity, checked.request, checked.engine, {
    maxCandidates: max,
    include: included,
    reasons,
  });
}

/** The indexes of `includeSites`; an id that names no site of the estate is an issue. */
function checkIncludedSites(
  prepared: TPreparedSnapshot,
  siteIds: readonly string[] | undefined,
  issues: TInputIssue[],
): ReadonlySet<number> | undefined {
  if (siteIds === undefined) return undefined;
  if (!Array.isArray(siteIds)) {
    issues.push({ path: "includeSites", message: "must be a list of site ids" });
    return undefined;
  }
  const found = new Set<number>();
  siteIds.forEach((id: unknown, i) => {
    const idx = typeof id === "string" ? prepared.siteIdxById.get(id) : undefined;
    if (idx === undefined) issues.push({ path: `includeSites.${i}`, message: "names no site of the estate" });
    else found.add(idx);
  });
  return found;
}

export function parseCallerPolicy(policy: TPolicyInput | undefined): {
  policy: TPolicy | undefined;
  issues: TInputIssue[];
} {
  if (policy === undefined) return { policy: undefined, issues: [] };
  const parsed = ZPolicy.safeParse(policy);
  if (!parsed.success) return { policy: undefined, issues: toInputIssues(parsed.error, "policy") };
  return { policy: parsed.data, issues: [] };
}

/** Validates one request and resolves its engine; collects every issue instead of throwing. */
export function checkPlacement(
  prepared: TPreparedSnapshot,
  requestInput: unknown,
  callerPolicy: TPolicy | undefined,
  options: TEngineOptions,
  prefix: string,
  engines?: Map<string, { engine: TEngine | undefined; issues: TInputIssue[] }>,
): { request: TPlacementRequest | undefined; engine: TEngine | undefined; issues: TInputIssue[] } {
  const registry = options.registry ?? defaultRegistry;
  const profiles = options.profiles ?? builtInProfiles;
  const checked = checkRequest(prepared, requestInput, prefix);
  if (checked.request === undefined) return { request: undefined, engine: undefined, issues: checked.issues };
  const request = checked.request;
  if (request.policy === undefined && engines !== undefined) {
    let shared = engines.get("");
    if (shared === undefined) {
      shared = resolveEngine(callerPolicy, undefined, profiles, registry, "policy");
      engines.set("", shared);
    }
    return { request, ...shared };
  }
  const policyPath = request.policy === undefined ? "policy" : joinPath(prefix, "policy");
  return { request, ...resolveEngine(callerPolicy, request.policy, profiles, registry, policyPath) };
}

function resolveEngine(
  callerPolicy: TPolicy | undefined,
  requestPolicy: TPolicy | undefined,
  profiles: ReadonlyMap<string, TProfile>,
  registry: TRegistry,
  policyPath: string,
): { engine: TEngine; issues: TInputIssue[] } {
  const resolved = resolvePolicy(mergePolicies(callerPolicy, requestPolicy), profiles, registry, policyPath);
  const built = buildEngine(resolved.policy, registry, `profiles.${resolved.policy.profile}`);
  return { engine: built.engine, issues: [...resolved.issues, ...built.issues] };
}

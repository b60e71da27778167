import type { TResolvedPolicy } from "../framework/types";
import { DEFAULT_PROFILE, type TProfile } from "../profiles";
import type { TRegistry } from "../registry";
import type { TPolicy } from "../schema/request.schema";
import { joinPath, type TInputIssue } from "../snapshot/input-error";

/**
 * Merges a profile with a workload's overrides. additive: the override replaces the
 * profile's weight for each scorer it names; exact: only the named scorers count.
 * Unknown profiles and scorers are input issues.
 */
export function resolvePolicy(
  policy: TPolicy | undefined,
  profiles: ReadonlyMap<string, TProfile>,
  registry: TRegistry,
  prefix: string,
): { policy: TResolvedPolicy; issues: TInputIssue[] } {
  const issues: TInputIssue[] = [];
  const name = policy?.profile ?? DEFAULT_PROFILE;
  let profile = profiles.get(name);
  if (profile === undefined) {
    issues.push({
      path: joinPath(prefix, "profile"),
      message: `unknown profile '${name}' (known: ${[...profiles.keys()].join(", ")})`,
    });
    profile = profiles.get(DEFAULT_PROFILE) ?? [...profiles.values()][0];
  }
  const overrides = policy?.weights ?? {};
  for (const scorer of Object.keys(overrides)) {
    const plugin = registry.get(scorer)?.();
    if (plugin?.score === undefined) {
      issues.push({
        path: joinPath(prefix, `weights.${scorer}`),
        message: `unknown score plugin '${scorer}'`,
      });
    }
  }
  const weights: Record<string, number> =
    policy?.weightMode === "exact" ? { ...overrides } : { ...(profile?.weights ?? {}), ...overrides };
  return {
    policy: {
      profile: profile?.name ?? name,
      filters: profile?.filters ?? [],
      weights,
      utilisation: policy?.utilisation ?? profile?.utilisation ?? "binpack",
    },
    issues,
  };
}

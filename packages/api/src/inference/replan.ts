import { AppError } from "../errors.ts";
import type { TActor, TMutationContext } from "../lib/audited.ts";
import { applyServicePlan } from "./apply.ts";
import { planStoredService } from "./plan.ts";

export type TReplanReport = {
  planned: string[];
  applied: string[];
  failed: { id: string; reason: string }[];
};

/**
 * The loop's step for inference services: each active service marked for a re-plan (its demand,
 * a replica or a site changed) is planned on the current estate; an AUTO service's plan is
 * applied at once (failed replicas replaced, dropped ones cancelled), a PROPOSE service's waits
 * as a proposal. Oldest request first. A plan that cannot be applied in full is rolled back and
 * the service marked again (apply.ts): the next tick plans it on the estate as it is then.
 */
export async function replanServices(
  ctx: TMutationContext<TActor>,
  limit: number,
  now: Date = new Date(),
): Promise<TReplanReport> {
  const due = await ctx.prisma.service.findMany({
    where: { state: "ACTIVE", replanReason: { not: null } },
    orderBy: { replanRequestedAt: "asc" },
    take: limit,
    select: { id: true, applyMode: true, replanReason: true },
  });
  const report: TReplanReport = { planned: [], applied: [], failed: [] };
  for (const service of due) {
    try {
      const plan = await planStoredService(ctx, service.id, service.replanReason ?? "re-plan", now);
      report.planned.push(service.id);
      if (service.applyMode === "AUTO") {
        await applyServicePlan(ctx, service.id, plan.id);
        report.applied.push(service.id);
      }
    } catch (error) {
      // Another process applied or stopped it meanwhile, or the estate refused: try again next tick.
      if (!(error instanceof AppError)) throw error;
      report.failed.push({ id: service.id, reason: error.userMessage });
    }
  }
  return report;
}

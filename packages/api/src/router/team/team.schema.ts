import { GPU_MODEL_NAMES } from "@switchyard/db/gpu-models";
import { z } from "zod";
import { zId } from "../../lib/input.ts";
import { typeMessage } from "../../lib/messages.ts";

export const ANY_GPU_MODEL = "*";
export const QUOTA_GPU_MODELS = [ANY_GPU_MODEL, ...GPU_MODEL_NAMES] as const;

export const ZTeamId = z.object({ id: zId("Team id") });

export const ZQuota = z
  .object({
    gpuModel: z.enum(QUOTA_GPU_MODELS as unknown as [string, ...string[]], {
      error: `Unknown GPU model; use * (every model) or one of ${GPU_MODEL_NAMES.join(", ")}`,
    }),
    guaranteedGpus: z
      .number({ error: typeMessage("Enter the guaranteed GPUs") })
      .int("Whole GPUs")
      .min(0, "Cannot be negative")
      .max(100_000, "At most 100,000 GPUs"),
    limitGpus: z
      .number({ error: typeMessage("Enter the GPU limit") })
      .int("Whole GPUs")
      .min(0, "Cannot be negative")
      .max(100_000, "At most 100,000 GPUs"),
  })
  .refine((q) => q.limitGpus >= q.guaranteedGpus, {
    message: "The limit cannot be below the guaranteed GPUs",
    path: ["limitGpus"],
  });
export type TQuota = z.infer<typeof ZQuota>;

/** One schema for the quota form and team.updateQuotas: the team's whole quota table. */
export const ZTeamQuotasInput = z.object({
  teamId: zId("Team id"),
  quotas: z
    .array(ZQuota)
    .max(QUOTA_GPU_MODELS.length)
    .superRefine((quotas, ctx) => {
      const seen = new Set<string>();
      quotas.forEach((q, index) => {
        if (seen.has(q.gpuModel))
          ctx.addIssue({ code: "custom", message: "Each GPU model once", path: [index, "gpuModel"] });
        seen.add(q.gpuModel);
      });
    }),
});
export type TTeamQuotasInput = z.infer<typeof ZTeamQuotasInput>;

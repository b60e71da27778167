import { GPU_MODEL_NAMES } from "@switchyard/db/gpu-models";
import { z } from "zod";
import { zId } from "../../lib/input.ts";
import { typeMessage } from "../../lib/messages.ts";
import { ZPagingInput } from "../../lib/pagination.ts";

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
    /** The guarantee holds on this site group's sites only; null (the default): every site. */
    siteGroupId: zId("Site group id").nullable().default(null),
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

export const MAX_BUDGET_USD = 999_999_999_999.99;
export const BUDGET_MODES = ["SOFT", "HARD"] as const;

/** team.setBudget and the team page's budget form: a monthly budget in USD, or null for none. */
export const ZTeamBudgetInput = z.object({
  teamId: zId("Team id"),
  monthlyUsd: z
    .number({ error: typeMessage("Enter the monthly budget in USD, or null for none") })
    .positive("The budget must be more than $0")
    .max(MAX_BUDGET_USD, "The budget is too large")
    // Stored as DECIMAL(14,2): refuse what the column would silently round.
    .refine((usd) => Math.abs(usd * 100 - Math.round(usd * 100)) < 1e-6, "At most 2 decimal places (cents)")
    .nullable(),
  mode: z.enum(BUDGET_MODES, { error: "Choose SOFT (warn and ask for approval) or HARD (refuse)" }),
});
export type TTeamBudgetInput = z.infer<typeof ZTeamBudgetInput>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const MAX_SPEND_DAYS = 366;

function zDay(what: string) {
  return z
    .string({ error: `${what} is required (YYYY-MM-DD)` })
    .max(10, `${what} is a date, YYYY-MM-DD`)
    .regex(DAY, `${what} is a date, YYYY-MM-DD`)
    .refine(
      (day) =>
        !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) &&
        new Date(`${day}T00:00:00Z`).toISOString().startsWith(day),
      `${what} is not a real date`,
    );
}

/** The showback export: one team, one UTC month ("2026-12"). */
export const ZShowbackInput = ZPagingInput.extend({
  team: zId("Team id"),
  month: z
    .string({ error: "Month is required (YYYY-MM)" })
    .max(7, "Month is YYYY-MM")
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Month is YYYY-MM"),
});
export type TShowbackInput = z.infer<typeof ZShowbackInput>;

/** team.spend: a team's spend for the UTC days from..to, both included. */
export const ZTeamSpendInput = z
  .object({ id: zId("Team id"), from: zDay("From"), to: zDay("To") })
  .superRefine((input, ctx) => {
    const days = (Date.parse(input.to) - Date.parse(input.from)) / 86_400_000 + 1;
    if (days < 1) ctx.addIssue({ code: "custom", path: ["to"], message: "To must be on or after From" });
    else if (days > MAX_SPEND_DAYS)
      ctx.addIssue({ code: "custom", path: ["to"], message: `At most ${MAX_SPEND_DAYS} days at once` });
  });
export type TTeamSpendInput = z.infer<typeof ZTeamSpendInput>;

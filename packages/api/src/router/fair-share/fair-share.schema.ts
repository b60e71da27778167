import { z } from "zod";
import { zId } from "../../lib/input.ts";
import { typeMessage } from "../../lib/messages.ts";

export const TEAM_GROUP_KINDS = ["ORGANISATION", "DEPARTMENT"] as const;

const zWeight = (what: string) =>
  z
    .number({ error: typeMessage(`Enter the ${what}`) })
    .gt(0, `The ${what} must be above 0`)
    .max(1_000, `The ${what} is at most 1,000`);

const zSlug = z
  .string({ error: "Enter a slug" })
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$/, "3-60 lowercase letters, digits and dashes");

const zName = z
  .string({ error: "Enter a name" })
  .trim()
  .min(2, "At least 2 characters")
  .max(120, "At most 120 characters");

export const ZTeamGroupInput = z.object({
  slug: zSlug,
  name: zName,
  kind: z.enum(TEAM_GROUP_KINDS, { error: "Choose organisation or department" }),
  parentId: zId("Parent group id").nullable().default(null),
  weight: zWeight("weight").default(1),
});
export type TTeamGroupInput = z.infer<typeof ZTeamGroupInput>;

export const ZTeamGroupUpdate = z.object({
  id: zId("Group id"),
  name: zName.optional(),
  parentId: zId("Parent group id").nullable().optional(),
  weight: zWeight("weight").optional(),
});
export type TTeamGroupUpdate = z.infer<typeof ZTeamGroupUpdate>;

export const ZTeamGroupId = z.object({ id: zId("Group id") });

export const ZTeamFairShareInput = z.object({
  teamId: zId("Team id"),
  groupId: zId("Group id").nullable(),
  weight: zWeight("team weight"),
});
export type TTeamFairShareInput = z.infer<typeof ZTeamFairShareInput>;

const zSiteIds = z
  .array(zId("Site id"), { error: "Choose the sites of the group" })
  .min(1, "Choose at least one site")
  .max(1_000, "At most 1,000 sites")
  .refine((ids) => new Set(ids).size === ids.length, "Each site once");

/** A named set of sites a quota's guarantee can be scoped to. */
export const ZSiteGroupInput = z.object({
  slug: zSlug,
  name: zName,
  siteIds: zSiteIds,
});
export type TSiteGroupInput = z.infer<typeof ZSiteGroupInput>;

export const ZSiteGroupUpdate = z.object({
  id: zId("Site group id"),
  name: zName.optional(),
  siteIds: zSiteIds.optional(),
});
export type TSiteGroupUpdate = z.infer<typeof ZSiteGroupUpdate>;

export const ZSiteGroupId = z.object({ id: zId("Site group id") });

/** Units per GPU of one model: 0.01 to 1,000 (an H100 at 1, an L4 at 0.25, a B200 at 2.5). */
const ZGpuClass = z.object({
  gpuModel: z
    .string({ error: "Enter a GPU model" })
    .trim()
    .min(1, "Enter a GPU model")
    .max(64, "At most 64 characters"),
  units: z
    .number({ error: typeMessage("Enter the units per GPU") })
    .min(0.01, "At least 0.01 units per GPU")
    .max(1_000, "At most 1,000 units per GPU"),
});

/** Every class in force (the set is replaced); empty: shares are DRF across GPU models again. */
export const ZGpuClassesInput = z.object({
  classes: z
    .array(ZGpuClass, { error: "List the GPU models and their units" })
    .max(200, "At most 200 GPU models")
    .superRefine((classes, ctx) => {
      const seen = new Set<string>();
      classes.forEach((c, i) => {
        if (seen.has(c.gpuModel))
          ctx.addIssue({ code: "custom", path: [i, "gpuModel"], message: `${c.gpuModel} is listed twice` });
        seen.add(c.gpuModel);
      });
    }),
});
export type TGpuClassesInput = z.infer<typeof ZGpuClassesInput>;

export const ZQueueInput = z
  .object({ teamId: zId("Team id").optional() })
  .optional()
  .transform((v) => v ?? {});
export type TQueueInput = z.infer<typeof ZQueueInput>;

export const ZWorkloadQueueInput = z.object({ id: zId("Workload id") });

export const ZShareHistoryInput = z.object({
  id: zId("Team id"),
  days: z
    .number({ error: typeMessage("Enter a number of days") })
    .int("Whole days")
    .min(1, "At least 1 day")
    .max(90, "At most 90 days")
    .default(7),
});
export type TShareHistoryInput = z.infer<typeof ZShareHistoryInput>;

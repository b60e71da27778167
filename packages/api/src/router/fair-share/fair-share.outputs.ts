import { z } from "zod";
import { WAIT_REASONS } from "../../fairshare/queue.ts";
import { TEAM_GROUP_KINDS } from "./fair-share.schema.ts";

const ZWhen = z.date().meta({ description: "ISO 8601 date-time (UTC)" });

export const ZTeamGroup = z.looseObject({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  kind: z.enum(TEAM_GROUP_KINDS),
  parentId: z.string().nullable(),
  weight: z.number(),
});

export const ZSiteGroup = z.looseObject({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  sites: z.array(z.looseObject({ id: z.string(), name: z.string(), slug: z.string() })),
  quotas: z
    .array(z.looseObject({ teamId: z.string(), teamName: z.string(), gpuModel: z.string() }))
    .meta({ description: "The quotas whose guarantee holds on these sites only" }),
  createdAt: ZWhen,
  updatedAt: ZWhen,
});

export const ZGpuClasses = z.object({
  inEffect: z
    .boolean()
    .meta({ description: "true: shares pool every model in class units; false: DRF across GPU models" }),
  classes: z.array(z.looseObject({ gpuModel: z.string(), units: z.number(), updatedAt: ZWhen })),
  models: z
    .array(
      z.looseObject({
        gpuModel: z.string(),
        gpus: z.number().int().meta({ description: "GPUs of this model on the estate's nodes" }),
        medianUsdPerGpuHour: z.number().nullable(),
        suggestedUnits: z
          .number()
          .nullable()
          .meta({ description: "Median price over the reference model's (null: no price)" }),
      }),
    )
    .meta({ description: "Every GPU model a node or a price names" }),
  reference: z
    .string()
    .nullable()
    .meta({ description: "The model the suggestions count in (H100 when priced)" }),
});

export const ZHierarchy = z.object({
  groups: z.array(ZTeamGroup),
  teams: z.array(
    z.looseObject({
      id: z.string(),
      slug: z.string(),
      name: z.string(),
      groupId: z.string().nullable(),
      weight: z.number(),
    }),
  ),
});

export const ZTeamFairShare = z.looseObject({
  teamId: z.string(),
  groupId: z.string().nullable(),
  weight: z.number(),
});

export const ZQueueRow = z.looseObject({
  position: z.number().int().meta({ description: "1-based place in fair order, across every team" }),
  workloadId: z.string(),
  name: z.string(),
  teamId: z.string(),
  teamName: z.string(),
  state: z.enum(["PENDING", "AWAITING_APPROVAL"]),
  gpus: z.number().int(),
  gpuModel: z.string().meta({ description: "The model it waits for, or * for any of several" }),
  priority: z.number().int(),
  submittedAt: ZWhen,
  waitingFor: z.enum(WAIT_REASONS),
  why: z.string(),
  fairShare: z.string().meta({ description: "Why fair order put it here" }),
  expectedStartAt: ZWhen.nullable().meta({ description: "From replaying the queue; null: unknown" }),
  expectedStartNote: z.string(),
});

export const ZQueueTeam = z.looseObject({
  teamId: z.string(),
  departmentId: z.string().nullable(),
  weight: z.number(),
  dominantShare: z.number(),
  entitledShare: z.number(),
  underFairShare: z.boolean(),
  belowGuarantee: z.boolean(),
  guaranteedGpus: z.number(),
  usedGpus: z.number(),
  borrowedGpus: z.number(),
  pendingGpus: z.number(),
  queued: z.number().int(),
});

export const ZQueue = z.object({
  total: z
    .number()
    .int()
    .meta({ description: "Queued workloads of every team (rows shows those you may see)" }),
  rows: z.array(ZQueueRow),
  teams: z.array(ZQueueTeam),
});

export const ZWorkloadQueue = z.object({
  workloadId: z.string(),
  state: z.string(),
  queued: z.boolean(),
  total: z.number().int(),
  standing: ZQueueRow.nullable(),
});

export const ZShareHistory = z.object({
  teamId: z.string(),
  guaranteedGpus: z.number().int(),
  limitGpus: z.number().int(),
  stepSeconds: z.number().int(),
  points: z.array(z.object({ at: ZWhen, usedGpus: z.number().int(), borrowedGpus: z.number().int() })),
});

import { z } from "zod";
import { zDate, zId } from "../../lib/input.ts";
import { ZKeysetRowCursor } from "../../lib/keyset.ts";
import { typeMessage } from "../../lib/messages.ts";
import { filterKeys, ZPageInput } from "../../lib/pagination.ts";
import { SITE_KINDS } from "../site/list-sites.schema.ts";

export const WORKLOAD_KINDS = ["TRAINING", "FINE_TUNING", "BATCH_INFERENCE", "ONLINE_INFERENCE"] as const;
export const WORKLOAD_STATES = [
  "DRAFT",
  "PENDING",
  "AWAITING_APPROVAL",
  "SCHEDULED",
  "RUNNING",
  "SUCCEEDED",
  "FAILED",
  "CANCELLED",
  "PREEMPTED",
  "REJECTED",
] as const;
export const POLICY_PROFILES = ["balanced", "cost-first", "latency-first", "green"] as const;

/** GPUs on one node, or a gang of nodes on one fabric. */
export const ZGpuAsk = z.union([
  z.object({
    count: z
      .number({ error: typeMessage("Enter a whole number of GPUs") })
      .int("Enter a whole number of GPUs")
      .min(1, "At least 1 GPU")
      .max(64, "At most 64 GPUs on one node"),
  }),
  z.object({
    nodes: z.number().int().min(2, "A gang has at least 2 nodes").max(512),
    gpusPerNode: z.number().int().min(1, "At least 1 GPU per node").max(16),
  }),
]);

export const ZGpuModelList = z
  .array(z.string().trim().min(1, "Name a GPU model").max(40, "At most 40 characters"))
  .max(20)
  .default([]);

export const ZCertificationList = z
  .array(z.string().trim().min(1, "Name a certification").max(20, "At most 20 characters"))
  .max(20)
  .default([]);

/** Everything a workload asks for; shared by the submit form, its live preview and the procedure. */
export const ZWorkloadSpec = z
  .object({
    name: z.string().trim().min(2, "At least 2 characters").max(80, "At most 80 characters"),
    kind: z.enum(WORKLOAD_KINDS, { error: "Choose a workload kind" }),
    teamId: zId("Team", "Choose a team"),
    gpu: ZGpuAsk,
    gpuModels: ZGpuModelList,
    minGpuMemoryGib: z.number().int().positive().max(1_000).optional(),
    estimatedHours: z
      .number({ error: typeMessage("Enter the estimated hours") })
      .positive("Must be more than 0 hours")
      .max(10_000, "At most 10,000 hours"),
    datasetIds: z.array(zId("Dataset id")).max(50).default([]),
    latency: z
      .object({
        userRegion: z.string().trim().min(1, "Choose a user region").max(60, "At most 60 characters"),
        maxMs: z.number().int().min(1).max(1_000),
      })
      .optional(),
    requiredCertifications: ZCertificationList,
    allowedKinds: z.array(z.enum(SITE_KINDS)).max(3).default([]),
    budgetUsd: z.number().positive("A budget must be positive").max(100_000_000).optional(),
    priority: z.number().int().min(0).max(100).default(50),
    preemptible: z.boolean().default(false),
    deadline: zDate("The deadline")
      // Judged against the clock where it is parsed; the service judges again when it saves.
      .refine(
        (deadline) => deadline.getTime() > Date.now(),
        "The deadline is in the past: choose a later date and time",
      )
      .optional(),
    dependsOn: z.array(zId("Workload id")).max(10).default([]),
    policyProfile: z.enum(POLICY_PROFILES).optional(),
    /** What to run where the site has a scheduler (the body of the Slurm batch script). */
    command: z
      .string()
      .trim()
      .min(1, "Enter a command or leave it out")
      .max(20_000, "At most 20,000 characters")
      .optional(),
    /** The container image it runs in where the site runs Kubernetes (e.g. nvcr.io/nvidia/pytorch:25.01-py3). */
    image: z
      .string()
      .trim()
      .max(500, "At most 500 characters")
      .regex(
        /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
        "A container image reference, e.g. nvcr.io/nvidia/pytorch:25.01-py3",
      )
      .optional(),
    /** TRAINING / FINE_TUNING: the model it registers when it succeeds (defaults: its name, the next free version, a size estimated from the GPU memory it held). */
    output: z
      .object({
        name: z.string().trim().min(2, "At least 2 characters").max(120, "At most 120 characters").optional(),
        version: z
          .string()
          .trim()
          .max(40, "At most 40 characters")
          .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, "A version like v2, 1.3.0 or 2026-12-05")
          .optional(),
        sizeGb: z
          .number({ error: typeMessage("Enter the model's size in GB") })
          .positive("The size must be more than 0 GB")
          .max(1_000_000, "At most 1,000,000 GB")
          .optional(),
      })
      .optional(),
  })
  .refine((spec) => spec.gpuModels.length > 0 || spec.minGpuMemoryGib !== undefined, {
    message: "Choose GPU models or a minimum GPU memory",
    path: ["gpuModels"],
  })
  .refine((spec) => !spec.output || spec.kind === "TRAINING" || spec.kind === "FINE_TUNING", {
    message: "Only training and fine-tuning runs produce a model: leave the output out",
    path: ["output"],
  });
export type TWorkloadSpec = z.infer<typeof ZWorkloadSpec>;

/** How many candidates a recommendation answers and a decision stores unless asked for more. */
export const DEFAULT_CANDIDATES = 10;

/** How many ranked candidates an answer carries: a number, or "all" (every rejected site too). */
export const ZCandidateLimit = z
  .union(
    [
      z
        .number({ error: typeMessage('Enter a number of candidates, or "all"') })
        .int("A whole number of candidates")
        .min(1, "At least 1 candidate")
        .max(1_000, 'At most 1,000 candidates: ask for "all" to get every one'),
      z.literal("all"),
    ],
    { error: 'A number of candidates from 1 to 1,000, or "all"' },
  )
  .default(DEFAULT_CANDIDATES)
  .meta({
    description:
      'How many ranked candidates to answer (default 10); "all" answers every candidate and every rejected site with its reasons. The others are counted in `omitted`.',
  });

/** A dry-run recommendation: the spec, how many candidates to answer, and optionally one site to explain. */
export const ZRecommendInput = ZWorkloadSpec.safeExtend({
  candidates: ZCandidateLimit,
  whyNot: zId("Site id")
    .optional()
    .meta({ description: "A site to explain (why it was not chosen, or why it was rejected) in `whyNot`" }),
});
export type TRecommendInput = z.infer<typeof ZRecommendInput>;

export const ZSubmitWorkloadInput = z.object({
  spec: ZWorkloadSpec,
  /** Idempotency key: a second submission with the same key in the team returns the first workload. */
  clientKey: z.string().trim().min(8).max(100).optional(),
  asDraft: z.boolean().default(false),
  schedule: z.boolean().default(false).meta({
    description:
      "Also accept the recommendation in the same transaction, as POST /workloads/{id}/schedule would (approvals included): one call for a pipeline that runs what it submits. The answer's `schedule` says where the workload stands. Not with `asDraft`.",
  }),
});

export const MAX_BATCH_SUBMISSIONS = 100;
/** A batch's body: 100 workloads with commands of up to 20,000 characters fit, escaped. */
export const MAX_BATCH_BODY_BYTES = 4 * 1024 * 1024;

export const ZSubmitBatchInput = z.object({
  workloads: z
    .array(ZSubmitWorkloadInput.pick({ spec: true, clientKey: true }))
    .min(1, "Send at least one workload")
    .max(
      MAX_BATCH_SUBMISSIONS,
      `At most ${MAX_BATCH_SUBMISSIONS} workloads at once: send the rest in another batch`,
    ),
  schedule: z.boolean().default(false).meta({
    description:
      "Also accept each placement (GPUs held, or an approval requested), as POST /workloads with `schedule` would; each answer's `schedule` says where that workload stands.",
  }),
});

export const ZWorkloadId = z.object({ id: zId("Workload id") });

export const ZCancelInput = ZWorkloadId.extend({ reason: z.string().trim().max(500).optional() });

export const ZWhyNotInput = ZWorkloadId.extend({ siteId: zId("Site id") });

export const ZBatchRecommendInput = z.object({
  specs: z.array(ZWorkloadSpec).min(1, "Send at least one spec").max(200, "At most 200 specs at once"),
});

export const ZScheduleInput = z.object({
  id: zId("Workload id"),
  /** The decision the caller saw (the console sends it); omitted: the latest one. */
  decisionId: zId("Decision id").optional(),
  /** Run somewhere other than the recommendation: needs a reason. */
  override: z
    .object({
      siteId: zId("Site"),
      reason: z.string().trim().min(10, "Explain the override in at least 10 characters").max(500),
    })
    .optional(),
});

export const ZTransitionInput = z.object({
  id: zId("Workload id"),
  to: z.enum(["RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]),
  reason: z.string().trim().max(500).optional(),
});

export const WORKLOAD_SORT_KEYS = ["createdAt", "name", "state", "priority"] as const;
export const ZWorkloadFilters = z.object({
  state: z.enum(WORKLOAD_STATES).optional(),
  kind: z.enum(WORKLOAD_KINDS).optional(),
  teamId: zId("Team id").optional(),
  siteId: zId("Site id").optional(),
});
export const WORKLOAD_FILTERS = filterKeys(ZWorkloadFilters);

/** Keyset paging: the cursor is the last row's (sort key, id), see lib/keyset.ts. */
export const ZListWorkloadsInput = ZPageInput(WORKLOAD_SORT_KEYS, "createdAt").extend({
  direction: z.enum(["asc", "desc"]).default("desc"),
  ...ZWorkloadFilters.shape,
  cursor: ZKeysetRowCursor.optional(),
});
export type TListWorkloadsInput = z.infer<typeof ZListWorkloadsInput>;

export const ZFinishTransferInput = z.object({
  id: zId("Transfer id"),
  outcome: z.enum(["COMPLETED", "FAILED"]),
  note: z.string().trim().max(500).optional(),
});

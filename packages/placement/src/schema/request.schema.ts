import { z } from "zod";
import { ZSiteKind } from "./snapshot.schema";

export const ZWorkloadKind = z.enum(["TRAINING", "FINE_TUNING", "BATCH_INFERENCE", "ONLINE_INFERENCE"]);

/** `{ count }`: GPUs on one node. `{ nodes, gpusPerNode }`: a gang, all nodes on one fabric. */
export const ZGpuRequest = z.union([
  z.strictObject({ count: z.int().positive() }),
  z.strictObject({ nodes: z.int().positive(), gpusPerNode: z.int().positive() }),
]);

export const ZWeightMode = z.enum(["additive", "exact"]);
export const ZUtilisationMode = z.enum(["binpack", "spread"]);

export const ZPolicy = z.object({
  /** Name of a profile; the default profile when absent. */
  profile: z.string().min(1).optional(),
  /** Score weights by plugin name. */
  weights: z.record(z.string().min(1), z.number().finite().nonnegative()).optional(),
  /** additive: override the profile's weights key by key; exact: only these weights count. */
  weightMode: ZWeightMode.default("additive"),
  utilisation: ZUtilisationMode.optional(),
});

export const ZWorkloadRequest = z.object({
  id: z.string().min(1),
  kind: ZWorkloadKind,
  teamId: z.string().min(1),
  gpu: ZGpuRequest,
  /** Allowed GPU models; empty means any model that meets minGpuMemoryGib. */
  gpuModels: z.array(z.string().min(1)).default([]),
  minGpuMemoryGib: z.number().finite().positive().optional(),
  estimatedHours: z.number().finite().positive(),
  datasetIds: z.array(z.string().min(1)).default([]),
  latency: z.object({ userRegion: z.string().min(1), maxMs: z.number().finite().positive() }).optional(),
  requiredCertifications: z.array(z.string().min(1)).default([]),
  /** Allowed environments; empty means any. */
  allowedKinds: z.array(ZSiteKind).default([]),
  budgetUsd: z.number().finite().nonnegative().optional(),
  /**
   * What the team may still spend this month under a HARD budget (the caller works it out:
   * budget minus month-to-date spend, at least 0); absent when the team has no hard budget.
   */
  teamBudgetLeftUsd: z.number().finite().nonnegative().optional(),
  priority: z.int().default(0),
  preemptible: z.boolean().default(false),
  policy: ZPolicy.optional(),
});

export type TWorkloadKind = z.infer<typeof ZWorkloadKind>;
export type TGpuRequest = z.infer<typeof ZGpuRequest>;
export type TWeightMode = z.infer<typeof ZWeightMode>;
export type TUtilisationMode = z.infer<typeof ZUtilisationMode>;
export type TPolicy = z.infer<typeof ZPolicy>;
export type TPolicyInput = z.input<typeof ZPolicy>;
export type TWorkloadRequest = z.infer<typeof ZWorkloadRequest>;
export type TWorkloadRequestInput = z.input<typeof ZWorkloadRequest>;

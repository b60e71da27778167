import { z } from "zod";

export const ZSiteKind = z.enum(["ON_PREM", "CLOUD", "EDGE"]);
export const ZSiteStatus = z.enum(["ACTIVE", "MAINTENANCE", "DECOMMISSIONED"]);
export const ZNodeStatus = z.enum(["READY", "CORDONED", "DRAINING", "DOWN"]);
export const ZClassification = z.enum(["PUBLIC", "INTERNAL", "CONFIDENTIAL", "REGULATED"]);

const ZId = z.string().min(1);
const ZUsd = z.number().finite().nonnegative();
const ZGpuCount = z.int().nonnegative();

export const ZSite = z.object({
  id: ZId,
  name: z.string().min(1),
  kind: ZSiteKind,
  provider: z.string().min(1),
  region: z.string().min(1),
  country: z.string().regex(/^[A-Z]{2}$/, "expected an ISO 3166-1 alpha-2 code such as DE"),
  jurisdiction: z.string().min(1),
  certifications: z.array(z.string().min(1)).default([]),
  status: ZSiteStatus,
  egressUsdPerGb: ZUsd,
  wanGbps: z.number().finite().positive(),
  carbonGPerKwh: z.number().finite().nonnegative(),
  pricesUsdPerGpuHour: z.record(z.string().min(1), ZUsd),
  latencyMsByRegion: z.record(z.string().min(1), z.number().finite().nonnegative()).default({}),
});

export const ZGpuNode = z
  .object({
    id: ZId,
    siteId: ZId,
    gpuModel: z.string().min(1),
    gpuMemoryGib: z.number().finite().positive(),
    gpuTotal: z.int().positive(),
    gpuFree: ZGpuCount,
    fabric: z.string().default(""),
    status: ZNodeStatus,
  })
  .refine((node) => node.gpuFree <= node.gpuTotal, {
    message: "gpuFree cannot exceed gpuTotal",
    path: ["gpuFree"],
  });

export const ZResidency = z.object({
  allowedCountries: z.array(z.string().regex(/^[A-Z]{2}$/)).optional(),
  allowedJurisdictions: z.array(z.string().min(1)).optional(),
  onPremOnly: z.boolean().default(false),
});

export const ZDataset = z.object({
  id: ZId,
  name: z.string().min(1),
  sizeBytes: z.number().finite().nonnegative(),
  classification: ZClassification,
  regulations: z.array(z.string().min(1)).default([]),
  residency: ZResidency.default({ onPremOnly: false }),
  replicaSiteIds: z.array(ZId).default([]),
});

export const ZQuota = z.object({
  teamId: ZId,
  /** A GPU model, or "*" for a limit across all models. */
  gpuModel: z.string().min(1),
  limitGpus: ZGpuCount,
  usedGpus: ZGpuCount,
  guaranteedGpus: ZGpuCount.default(0),
});

/** GPUs that a running workload holds on one node; input for preemption. */
export const ZAllocation = z.object({
  workloadId: ZId,
  nodeId: ZId,
  gpus: z.int().positive(),
  priority: z.int(),
  preemptible: z.boolean(),
  teamId: ZId.optional(),
});

export const ZSnapshot = z.object({
  sites: z.array(ZSite),
  nodes: z.array(ZGpuNode),
  datasets: z.array(ZDataset).default([]),
  quotas: z.array(ZQuota).default([]),
  allocations: z.array(ZAllocation).default([]),
});

export type TSiteKind = z.infer<typeof ZSiteKind>;
export type TSiteStatus = z.infer<typeof ZSiteStatus>;
export type TNodeStatus = z.infer<typeof ZNodeStatus>;
export type TClassification = z.infer<typeof ZClassification>;
export type TSite = z.infer<typeof ZSite>;
export type TGpuNode = z.infer<typeof ZGpuNode>;
export type TResidency = z.infer<typeof ZResidency>;
export type TDataset = z.infer<typeof ZDataset>;
export type TQuota = z.infer<typeof ZQuota>;
export type TAllocation = z.infer<typeof ZAllocation>;
/** A validated snapshot. */
export type TSnapshot = z.infer<typeof ZSnapshot>;
/** What callers may pass: defaults not yet applied. */
export type TSnapshotInput = z.input<typeof ZSnapshot>;

import { z } from "zod";
import { ZGpuRequest, ZPolicy } from "../schema/request.schema";
import { ZSiteKind } from "../schema/snapshot.schema";

/** One user region a service serves: its demand and the latency its users accept. */
export const ZServiceRegion = z.object({
  region: z.string().min(1),
  demandRps: z.number().finite().nonnegative(),
  maxLatencyMs: z.number().finite().positive(),
});

/**
 * An online inference service to place as replicas across sites. Every replica is the
 * same: `gpu` on one node (or a gang), serving up to `replicaCapacityRps` requests/s.
 */
export const ZServiceSpec = z
  .object({
    id: z.string().min(1),
    teamId: z.string().min(1),
    gpu: ZGpuRequest,
    /** Allowed GPU models; empty means any model that meets minGpuMemoryGib. */
    gpuModels: z.array(z.string().min(1)).default([]),
    minGpuMemoryGib: z.number().finite().positive().optional(),
    replicaCapacityRps: z.number().finite().positive(),
    regions: z
      .array(ZServiceRegion)
      .min(1)
      .refine((regions) => new Set(regions.map((r) => r.region)).size === regions.length, {
        message: "each user region may be listed once",
      }),
    minReplicas: z.int().nonnegative().default(1),
    maxReplicas: z.int().positive(),
    /** Allowed environments; empty means any. */
    allowedKinds: z.array(ZSiteKind).default([]),
    requiredCertifications: z.array(z.string().min(1)).default([]),
    /**
     * What every replica reads (the model artifact it serves): a site where one may not be
     * copied (residency, classification) hosts no replica.
     */
    datasetIds: z.array(z.string().min(1)).default([]),
    /**
     * Sites the caller rules out for this service, each with why in words (e.g. "the data
     * steward rejected copying the model to Tokyo at …; excluded until …"): they host no
     * replica and are listed among the rejected sites with that reason first. Plain data: the
     * caller decides what is excluded and until when. A site not in the estate is ignored.
     */
    excludedSites: z.array(z.object({ siteId: z.string().min(1), reason: z.string().min(1) })).default([]),
    /** The period a replica's cost is counted over: cost = GPUs × hours × price. */
    hours: z.number().finite().positive().default(1),
    policy: ZPolicy.optional(),
  })
  .refine((spec) => spec.minReplicas <= spec.maxReplicas, {
    message: "minReplicas cannot exceed maxReplicas",
    path: ["minReplicas"],
  });

export type TServiceRegion = z.infer<typeof ZServiceRegion>;
export type TServiceSpec = z.infer<typeof ZServiceSpec>;
export type TServiceSpecInput = z.input<typeof ZServiceSpec>;

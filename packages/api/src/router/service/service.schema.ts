import { z } from "zod";
import { zId } from "../../lib/input.ts";
import { typeMessage } from "../../lib/messages.ts";
import { ZPageInput } from "../../lib/pagination.ts";
import { SITE_KINDS } from "../site/list-sites.schema.ts";
import { ZCertificationList, ZGpuAsk, ZGpuModelList } from "../workload/workload.schema.ts";

const ZRegionDemand = z.object({
  region: z.string().trim().min(1, "Choose a user region").max(60, "At most 60 characters"),
  demandRps: z
    .number({ error: typeMessage("Enter the requests per second") })
    .min(0, "Demand cannot be negative")
    .max(10_000_000, "At most 10,000,000 requests/s"),
  maxLatencyMs: z
    .number({ error: typeMessage("Enter the latency SLO in ms") })
    .int("Enter whole milliseconds")
    .min(1, "At least 1 ms")
    .max(1_000, "At most 1,000 ms"),
});

/** An online inference service to plan: what each replica needs and what each user region asks of it. */
export const ZServicePlanInput = z
  .object({
    name: z.string().trim().min(2, "At least 2 characters").max(80, "At most 80 characters"),
    teamId: zId("Team", "Choose a team"),
    /**
     * The model artifact it would serve: its copies to replica sites are transfers with the
     * model's residency, as when the service is created and planned.
     */
    modelId: zId("Model", "Choose the model it serves"),
    gpu: ZGpuAsk,
    gpuModels: ZGpuModelList,
    minGpuMemoryGib: z.number().int().positive().max(1_000).optional(),
    replicaCapacityRps: z
      .number({ error: typeMessage("Enter what one replica serves, in requests/s") })
      .positive("One replica must serve more than 0 requests/s")
      .max(1_000_000),
    regions: z
      .array(ZRegionDemand)
      .min(1, "Add at least one user region")
      .max(50, "At most 50 user regions")
      .refine((regions) => new Set(regions.map((r) => r.region)).size === regions.length, {
        message: "Each user region may be listed once",
      }),
    minReplicas: z.number().int().min(0).max(500).default(1),
    maxReplicas: z
      .number({ error: typeMessage("Enter the most replicas allowed") })
      .int()
      .min(1, "At least 1 replica")
      .max(500, "At most 500 replicas"),
    allowedKinds: z.array(z.enum(SITE_KINDS)).max(3).default([]),
    requiredCertifications: ZCertificationList,
  })
  .refine((s) => s.minReplicas <= s.maxReplicas, {
    message: "The minimum number of replicas cannot exceed the maximum",
    path: ["minReplicas"],
  });

export type TServicePlanInput = z.infer<typeof ZServicePlanInput>;

const ZShare = z.looseObject({ region: z.string(), rps: z.number(), latencyMs: z.number() });

export const ZServicePlan = z.looseObject({
  serviceId: z.string(),
  feasible: z
    .boolean()
    .meta({ description: "Every region's demand served within its SLO, and minReplicas met" }),
  summary: z
    .string()
    .meta({ description: 'e.g. "5 replicas at 3 sites serve 2/2 regions (1200/1200 req/s) for $9.40"' }),
  costUsdPerHour: z.number(),
  demandRps: z.number(),
  servedRps: z.number(),
  replicas: z.array(
    z.looseObject({
      index: z.number().int(),
      siteId: z.string(),
      siteName: z.string(),
      gpuModel: z.string(),
      nodes: z.array(z.looseObject({ nodeId: z.string(), gpus: z.number().int() })),
      costUsd: z.number(),
      servedRps: z.number(),
      serves: z.array(ZShare),
    }),
  ),
  regions: z.array(
    z.looseObject({
      region: z.string(),
      demandRps: z.number(),
      servedRps: z.number(),
      status: z.enum(["covered", "partial", "uncovered"]),
      latencyMs: z.number().optional(),
      reason: z.string().optional().meta({ description: "Why the region is short of demand" }),
    }),
  ),
  rejected: z.array(
    z.looseObject({
      siteId: z.string(),
      reasons: z.array(z.looseObject({ plugin: z.string(), message: z.string() })),
    }),
  ),
});

export const SERVICE_APPLY_MODES = ["PROPOSE", "AUTO"] as const;

const ZReplicaGpu = z.object({
  count: z
    .number({ error: typeMessage("Enter a whole number of GPUs") })
    .int("Enter a whole number of GPUs")
    .min(1, "At least 1 GPU")
    .max(64, "At most 64 GPUs on one node"),
});

const ZReplicaCapacity = z
  .number({ error: typeMessage("Enter what one replica serves, in requests/s") })
  .positive("One replica must serve more than 0 requests/s")
  .max(1_000_000, "At most 1,000,000 requests/s");

const ZRegions = z
  .array(ZRegionDemand)
  .min(1, "Add at least one user region")
  .max(50, "At most 50 user regions")
  .refine((regions) => new Set(regions.map((r) => r.region)).size === regions.length, {
    message: "Each user region may be listed once",
  });

const ZMinReplicas = z
  .number({ error: typeMessage("Enter the fewest replicas to run") })
  .int("Enter a whole number of replicas")
  .min(0, "At least 0 replicas")
  .max(500, "At most 500 replicas");
const ZMaxReplicas = z
  .number({ error: typeMessage("Enter the most replicas allowed") })
  .int("Enter a whole number of replicas")
  .min(1, "At least 1 replica")
  .max(500, "At most 500 replicas");

const minNotAboveMax = (s: { minReplicas?: number | undefined; maxReplicas?: number | undefined }) =>
  s.minReplicas === undefined || s.maxReplicas === undefined || s.minReplicas <= s.maxReplicas;
const MIN_ABOVE_MAX = {
  message: "The minimum number of replicas cannot exceed the maximum",
  path: ["minReplicas"],
};

/** A service to create: the model it serves, one replica's needs, and each user region's demand. */
export const ZServiceCreate = z
  .object({
    name: z
      .string({ error: typeMessage("Name the service") })
      .trim()
      .min(2, "At least 2 characters")
      .max(80, "At most 80 characters")
      .regex(/^[a-z0-9][a-z0-9-]*$/, "Lowercase letters, digits and dashes, starting with a letter or digit"),
    description: z.string().trim().max(500, "At most 500 characters").default(""),
    teamId: zId("Team", "Choose a team"),
    modelId: zId("Model", "Choose the model it serves"),
    gpu: ZReplicaGpu,
    gpuModels: ZGpuModelList,
    minGpuMemoryGib: z
      .number({ error: typeMessage("Enter the GPU memory in GiB") })
      .int("Enter whole GiB")
      .positive("More than 0 GiB")
      .max(1_000, "At most 1,000 GiB")
      .optional(),
    replicaCapacityRps: ZReplicaCapacity,
    regions: ZRegions,
    minReplicas: ZMinReplicas.default(1),
    maxReplicas: ZMaxReplicas,
    allowedKinds: z.array(z.enum(SITE_KINDS)).max(3).default([]),
    requiredCertifications: ZCertificationList,
    applyMode: z
      .enum(SERVICE_APPLY_MODES, { error: "Choose PROPOSE (someone applies each plan) or AUTO" })
      .default("PROPOSE"),
  })
  .refine(minNotAboveMax, MIN_ABOVE_MAX);
export type TServiceCreate = z.infer<typeof ZServiceCreate>;

/** What may change on a service: its demand, its limits, its replica capacity, how plans apply. */
export const ZServiceUpdate = z
  .object({
    id: zId("Service id"),
    regions: ZRegions.optional(),
    replicaCapacityRps: ZReplicaCapacity.optional(),
    minReplicas: ZMinReplicas.optional(),
    maxReplicas: ZMaxReplicas.optional(),
    applyMode: z
      .enum(SERVICE_APPLY_MODES, { error: "Choose PROPOSE (someone applies each plan) or AUTO" })
      .optional(),
  })
  .refine(minNotAboveMax, MIN_ABOVE_MAX);
export type TServiceUpdate = z.infer<typeof ZServiceUpdate>;

export const ZServiceId = z.object({ id: zId("Service id") });
export const ZApplyPlanInput = z.object({
  id: zId("Service id"),
  /** Omitted: the service's pending proposal. */
  planId: zId("Plan id", "Choose the plan to apply").optional(),
});

export const ZListServicesInput = ZPageInput(["name", "createdAt"] as const, "name").extend({
  teamId: zId("Team id").optional(),
  modelId: zId("Model id").optional(),
});
export type TListServicesInput = z.infer<typeof ZListServicesInput>;

import { z } from "zod";

const ZId = z.string().trim().min(1, "Say which one").max(100, "At most 100 characters");

/**
 * Which nodes a change is about: a whole site, a fabric (optionally at one site), a GPU model
 * (optionally at one site), nodes carrying a label, or an explicit list.
 */
export const ZNodeSelector = z.union(
  [
    z.strictObject({ siteId: ZId }),
    z.strictObject({ fabric: ZId, siteId: ZId.optional() }),
    z.strictObject({ gpuModel: ZId, siteId: ZId.optional() }),
    z.strictObject({
      label: z.strictObject({ key: ZId, value: z.string().max(200, "At most 200 characters") }),
      siteId: ZId.optional(),
    }),
    z.strictObject({
      nodeIds: z.array(ZId).min(1, "Name at least one node").max(5_000, "At most 5,000 nodes"),
    }),
  ],
  { error: "Say which nodes: a site, a fabric, a GPU model, a label or a list of node ids" },
);

/** One change to the estate a what-if scenario replays the placement against. */
export const ZScenarioChange = z.discriminatedUnion(
  "kind",
  [
    /** The nodes take no new work and their running work must move (DRAINING). */
    z.strictObject({ kind: z.literal("drain"), nodes: ZNodeSelector }),
    /** The nodes are lost (DOWN): same for placement as a drain, said differently. */
    z.strictObject({ kind: z.literal("lose"), nodes: ZNodeSelector }),
    /** The price of one GPU-hour of a model at a site. */
    z.strictObject({
      kind: z.literal("price"),
      siteId: ZId,
      gpuModel: ZId,
      usdPerGpuHour: z
        .number({ error: "Give the price in USD per GPU-hour" })
        .finite()
        .nonnegative("A price cannot be negative")
        .max(10_000, "At most $10,000 per GPU-hour"),
    }),
    /** N new READY nodes of a model at a site (priced at the site's price for the model, or the one given). */
    z.strictObject({
      kind: z.literal("add-capacity"),
      siteId: ZId,
      gpuModel: ZId,
      nodes: z
        .int("Give a whole number of nodes")
        .min(1, "Add at least one node")
        .max(1_000, "At most 1,000 nodes"),
      gpusPerNode: z
        .int("Give a whole number of GPUs")
        .min(1, "At least one GPU per node")
        .max(64, "At most 64 GPUs per node"),
      gpuMemoryGib: z
        .number()
        .finite()
        .positive("Give the memory per GPU in GiB")
        .max(1_024, "At most 1,024 GiB"),
      fabric: z.string().trim().max(100).default(""),
      /** The site's price per GPU-hour for the model; required when the site has none for it yet. */
      usdPerGpuHour: z
        .number({ error: "Give the price in USD per GPU-hour" })
        .finite()
        .nonnegative("A price cannot be negative")
        .max(10_000, "At most $10,000 per GPU-hour")
        .optional(),
    }),
    /** Every workload (or one team's) placed under another profile and/or weights. */
    z.strictObject({
      kind: z.literal("policy"),
      profile: ZId.optional(),
      weights: z.record(ZId, z.number().finite().nonnegative("A weight cannot be negative")).optional(),
      teamId: ZId.optional(),
    }),
    /**
     * One user region of an inference service gets another demand and/or latency SLO (at least
     * one of the two); the region must be one the service serves.
     */
    z.strictObject({
      kind: z.literal("service-demand"),
      serviceId: ZId,
      region: ZId,
      demandRps: z
        .number({ error: "Give the demand in requests per second" })
        .finite()
        .nonnegative("Demand cannot be negative")
        .max(10_000_000, "At most 10,000,000 requests per second")
        .optional(),
      maxLatencyMs: z
        .number({ error: "Give the latency SLO in milliseconds" })
        .finite()
        .positive("A latency SLO must be above 0 ms")
        .max(10_000, "At most 10,000 ms")
        .optional(),
    }),
  ],
  { error: "Choose what changes: drain, lose, price, add-capacity, policy or service-demand" },
);

export const ZScenarioChanges = z
  .array(ZScenarioChange)
  .min(1, "Add at least one change")
  .max(50, "At most 50 changes in one scenario");

export type TNodeSelector = z.infer<typeof ZNodeSelector>;
export type TScenarioChange = z.infer<typeof ZScenarioChange>;
export type TScenarioChangeInput = z.input<typeof ZScenarioChange>;

import { GPU_MODEL_NAMES, type TGpuModel } from "@switchyard/db/gpu-models";
import { z } from "zod";
import { zId } from "../../lib/input.ts";
import { typeMessage } from "../../lib/messages.ts";
import { SITE_KINDS } from "./list-sites.schema.ts";

export const ZGpuModel = z.enum(GPU_MODEL_NAMES as [TGpuModel, ...TGpuModel[]], {
  error: `Unknown GPU model; use one of ${GPU_MODEL_NAMES.join(", ")}`,
});

export const ZSiteId = z.object({ id: zId("Site id") });

/** One schema for the site form and the create/update procedures. */
export const ZSiteInput = z.object({
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$/, "3-60 lowercase letters, digits and dashes"),
  name: z.string().trim().min(2, "At least 2 characters").max(120, "At most 120 characters"),
  kind: z.enum(SITE_KINDS, { error: "Choose on-prem, cloud or edge" }),
  provider: z.string().trim().toLowerCase().min(2, "At least 2 characters").max(40),
  region: z.string().trim().min(2, "At least 2 characters").max(60),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, "Use a two-letter ISO 3166-1 country code"),
  jurisdiction: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2,10}$/, "2-10 capital letters, e.g. EU, US, SG"),
  certifications: z
    .array(
      z
        .string()
        .trim()
        .toUpperCase()
        .regex(/^[A-Z0-9-]{2,20}$/, "Certification codes like ISO27001, SOC2"),
    )
    .max(20),
  wanGbps: z
    .number({ error: typeMessage("Enter the WAN bandwidth in Gbit/s") })
    .positive("Must be positive")
    .max(10_000),
  egressUsdPerGb: z
    .number({ error: typeMessage("Enter the egress price in USD per GB") })
    .min(0, "Cannot be negative")
    .max(10),
  carbonGPerKwh: z
    .number({ error: typeMessage("Enter the grid carbon intensity") })
    .int("Whole grams")
    .min(0)
    .max(2_000),
  latitude: z
    .number({ error: typeMessage("Enter a latitude") })
    .min(-90)
    .max(90),
  longitude: z
    .number({ error: typeMessage("Enter a longitude") })
    .min(-180)
    .max(180),
  prices: z
    .array(
      z.object({
        gpuModel: ZGpuModel,
        usdPerGpuHour: z.number().positive("Price must be positive").max(1_000),
      }),
    )
    .max(30)
    .refine((prices) => new Set(prices.map((p) => p.gpuModel)).size === prices.length, "Each GPU model once"),
  latencies: z
    .array(
      z.object({
        userRegion: z
          .string()
          .trim()
          .max(60, "At most 60 characters")
          .regex(/^[a-z]+(-[a-z0-9]+)*$/, "A region like eu-west"),
        latencyMs: z.number().int().min(0).max(1_000),
      }),
    )
    .max(50)
    .default([]),
});
export type TSiteInput = z.infer<typeof ZSiteInput>;

export const ZUpdateSiteInput = ZSiteId.extend({
  data: ZSiteInput,
  status: z.enum(["ACTIVE", "MAINTENANCE"]).optional(),
});

import { z } from "zod";
import { zDate, zId } from "../../lib/input.ts";
import { typeMessage } from "../../lib/messages.ts";
import { MAX_PAGE_SIZE } from "../../lib/pagination.ts";
import { ZGpuModel } from "../site/site.schema.ts";

export const ZNodeId = z.object({ id: zId("Node id") });

/** Cordon, drain and uncordon act on a selection: one node or a page of them. */
export const ZNodeSelection = z.object({
  ids: z
    .array(zId("Node id"))
    .min(1, "Select at least one node")
    .max(MAX_PAGE_SIZE, `Select at most ${MAX_PAGE_SIZE} nodes at a time`)
    .refine((ids) => new Set(ids).size === ids.length, "Each node once"),
});
export type TNodeSelection = z.infer<typeof ZNodeSelection>;

/** One schema for the node form and node.create. */
export const ZNodeInput = z.object({
  siteId: zId("Site", "Choose a site"),
  hostname: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/, "Letters, digits, dots and dashes; up to 63 characters"),
  gpuModel: ZGpuModel,
  gpuCount: z
    .number({ error: typeMessage("Enter the number of GPUs") })
    .int("Whole GPUs")
    .min(1, "At least 1 GPU")
    .max(16, "At most 16 GPUs per node"),
  gpuMemoryGib: z
    .number({ error: typeMessage("Enter the memory per GPU in GiB") })
    .int("Whole GiB")
    .min(1, "At least 1 GiB")
    .max(1_024, "At most 1,024 GiB"),
  fabric: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, "A fabric name like dc-ashburn-h100-fabric-a"),
  interconnect: z.string().trim().min(2, "At least 2 characters").max(40, "At most 40 characters"),
  driverVersion: z.string().trim().max(40, "At most 40 characters").optional(),
});
export type TNodeInput = z.infer<typeof ZNodeInput>;

/** A node's GPU telemetry over [from, to). */
export const ZNodeTelemetryInput = z.object({ id: zId("Node id"), from: zDate("From"), to: zDate("To") });

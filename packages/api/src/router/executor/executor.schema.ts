import { z } from "zod";
import { zId } from "../../lib/input.ts";
import { ZGpuModel } from "../site/site.schema.ts";

const ZSiteRef = zId("Site id");

const ZEndpoint = z
  .string()
  .trim()
  .max(500)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "http:" || url.protocol === "https:") && !url.username && !url.password;
    } catch {
      return false;
    }
  }, "An http:// or https:// URL of slurmrestd, without user or password in it");

export const ZSetExecutorInput = z.discriminatedUnion(
  "kind",
  [
    z.object({ siteId: ZSiteRef, kind: z.literal("MANUAL") }),
    z.object({
      siteId: ZSiteRef,
      kind: z.literal("SLURM"),
      endpoint: ZEndpoint,
      userName: z
        .string()
        .trim()
        .regex(/^[a-z_][a-z0-9_.-]{0,31}$/, "A Unix user name: lowercase letters, digits, _ . -"),
      /** The JWT; leave out to keep the stored one. Never returned. */
      token: z
        .string()
        .trim()
        .regex(
          /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/,
          "A JWT as `scontrol token` prints it (without SLURM_JWT=)",
        )
        .max(4_000)
        .optional(),
      partitions: z
        .partialRecord(
          ZGpuModel,
          z
            .string()
            .trim()
            .regex(/^[A-Za-z0-9_.-]{1,64}$/, "A Slurm partition name"),
        )
        .refine((p) => Object.keys(p).length > 0, "Give the partition of at least one GPU model")
        .transform((p) => p as Record<string, string>),
    }),
    z.object({ siteId: ZSiteRef, kind: z.literal("KUBERNETES") }),
  ],
  { error: "Choose MANUAL, SLURM or KUBERNETES" },
);
export type TSetExecutorInput = z.infer<typeof ZSetExecutorInput>;

export const ZExecutorSiteId = z.object({ siteId: ZSiteRef });

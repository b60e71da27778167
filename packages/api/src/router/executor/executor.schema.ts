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

const ZKubeEndpoint = z
  .string()
  .trim()
  .max(500)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "https:" && !url.username && !url.password;
    } catch {
      return false;
    }
  }, "An https:// URL of the Kubernetes API server, without user or password in it");

const ZDnsLabel = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, `${what}: lowercase letters, digits and -, at most 63`);
const ZDnsSubdomain = (what: string) =>
  z
    .string()
    .trim()
    .regex(
      /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/,
      `${what}: lowercase letters, digits, - and ., at most 253`,
    );

const ZManual = z.object({ kind: z.literal("MANUAL") });

const ZSlurm = z.object({
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
});

const ZKubernetes = z.object({
  kind: z.literal("KUBERNETES"),
  endpoint: ZKubeEndpoint,
  /** PEM CA bundle of the API server; leave out to trust the system's CAs. */
  caBundle: z
    .string()
    .trim()
    .max(50_000, "At most 50,000 characters")
    .refine(
      (pem) => /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/.test(pem),
      "One or more PEM certificates (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)",
    )
    .optional(),
  /** A bearer token (a service account's); leave out to keep the stored one. Never returned. */
  token: z
    .string()
    .trim()
    .min(8, "A bearer token, as `kubectl create token <service-account>` prints it")
    .max(8_000)
    .regex(/^[\x21-\x7e]+$/, "A bearer token: printable characters, no spaces")
    .optional(),
  teams: z
    .record(
      z
        .string()
        .trim()
        .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "A team slug"),
      z.object({
        namespace: ZDnsLabel("A namespace"),
        localQueue: ZDnsSubdomain("A Kueue LocalQueue name"),
      }),
    )
    .refine((t) => Object.keys(t).length > 0, "Give the namespace and LocalQueue of at least one team"),
  nodePoolLabel: z
    .string()
    .trim()
    .regex(
      /^([a-z0-9.-]{1,253}\/)?[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?=([A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)$/,
      "A node label as key=value, e.g. cloud.google.com/gke-nodepool=a3-pool",
    )
    .optional(),
});

const KIND_ERROR = { error: "Choose MANUAL, SLURM or KUBERNETES" };

export const ZSetExecutorInput = z.discriminatedUnion(
  "kind",
  [
    ZManual.extend({ siteId: ZSiteRef }),
    ZSlurm.extend({ siteId: ZSiteRef }),
    ZKubernetes.extend({ siteId: ZSiteRef }),
  ],
  KIND_ERROR,
);

/** The same settings for REST (PUT /sites/{siteId}/executor), under `settings`. */
export const ZPutExecutorInput = z.object({
  siteId: ZSiteRef,
  settings: z.discriminatedUnion("kind", [ZManual, ZSlurm, ZKubernetes], KIND_ERROR),
});
export type TSetExecutorInput = z.infer<typeof ZSetExecutorInput>;

export const ZExecutorSiteId = z.object({ siteId: ZSiteRef });

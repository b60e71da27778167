import type { V1Job } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { timeLimitMinutes } from "./lifecycle.ts";

/** Labels and annotations that tie a Job to Switchyard (adoption after a crash lists by them). */
export const LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
export const LABEL_WORKLOAD = "switchyard.io/workload-id";
export const LABEL_EXTERNAL_JOB = "switchyard.io/external-job-id";
export const LABEL_QUEUE = "kueue.x-k8s.io/queue-name";
export const MANAGED_SELECTOR = `${LABEL_MANAGED_BY}=switchyard`;

export type TTeamTarget = { namespace: string; localQueue: string };

export type TManifestInput = {
  workload: {
    id: string;
    name: string;
    command: string;
    image: string;
    estimatedHours: number;
    teamSlug: string;
  };
  externalJobId: string;
  target: TTeamTarget;
  /** The chosen nodes and their GPUs (one pod per node; a gang has several). */
  nodes: { hostname: string; gpus: number }[];
  /** "key=value": the Job goes to this node pool instead of the named nodes. */
  nodePoolLabel: string | null;
};

/** A DNS-1123 label (at most 63): `sy-<workload>-<hand-over>`, unique per hand-over. */
export function jobName(workloadId: string, externalJobId: string): string {
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  const suffix = clean(externalJobId).slice(-8);
  const head = `sy-${clean(workloadId)}`.slice(0, 63 - suffix.length - 1);
  return `${head}-${suffix}`.replace(/-+/g, "-");
}

export function parseNodePoolLabel(label: string): { key: string; value: string } {
  const [key = "", value = ""] = label.split("=", 2).map((s) => s.trim());
  return { key, value };
}

/**
 * The batch/v1 Job of a workload: an Indexed Job with completions = parallelism = the node
 * count (one pod per node, each with that node's GPUs as its nvidia.com/gpu limit), queued in
 * the team's Kueue LocalQueue through the `kueue.x-k8s.io/queue-name` label. Kueue's webhook
 * suspends it on creation and lets it start when the ClusterQueue admits it, so the manifest
 * leaves `suspend` unset (re-applying with suspend: true would stop an admitted Job).
 * activeDeadlineSeconds is the estimate plus the margin Slurm's time limit gets.
 */
export function renderJobManifest(input: TManifestInput): V1Job {
  const { workload, target } = input;
  const name = jobName(workload.id, input.externalJobId);
  const count = input.nodes.length;
  const gpusPerPod = Math.max(...input.nodes.map((n) => n.gpus));
  const labels = {
    [LABEL_MANAGED_BY]: "switchyard",
    [LABEL_WORKLOAD]: workload.id
      .toLowerCase()
      .replace(/[^a-z0-9._-]/g, "-")
      .slice(0, 63),
    [LABEL_EXTERNAL_JOB]: input.externalJobId
      .toLowerCase()
      .replace(/[^a-z0-9._-]/g, "-")
      .slice(0, 63),
  };
  const annotations = {
    "switchyard.io/workload-id": workload.id,
    "switchyard.io/workload-name": workload.name,
    "switchyard.io/team": workload.teamSlug,
    "switchyard.io/nodes": input.nodes.map((n) => n.hostname).join(","),
  };
  const pool = input.nodePoolLabel ? parseNodePoolLabel(input.nodePoolLabel) : null;
  const matchExpressions = pool
    ? [{ key: pool.key, operator: "In", values: [pool.value] }]
    : [{ key: "kubernetes.io/hostname", operator: "In", values: input.nodes.map((n) => n.hostname) }];
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name,
      namespace: target.namespace,
      labels: { ...labels, [LABEL_QUEUE]: target.localQueue },
      annotations,
    },
    spec: {
      completionMode: "Indexed",
      completions: count,
      parallelism: count,
      backoffLimit: 0,
      activeDeadlineSeconds: timeLimitMinutes(workload.estimatedHours) * 60,
      // Kept a week after it ends, so its final conditions can be read back.
      ttlSecondsAfterFinished: 7 * 24 * 3600,
      template: {
        metadata: { labels, annotations },
        spec: {
          restartPolicy: "Never",
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] },
            },
            // A gang's pods on different nodes, one per node.
            ...(count > 1
              ? {
                  podAntiAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: [
                      {
                        labelSelector: { matchLabels: { [LABEL_EXTERNAL_JOB]: labels[LABEL_EXTERNAL_JOB] } },
                        topologyKey: "kubernetes.io/hostname",
                      },
                    ],
                  },
                }
              : {}),
          },
          tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
          containers: [
            {
              name: "main",
              image: workload.image,
              command: ["/bin/sh", "-c", workload.command],
              env: [
                { name: "SWITCHYARD_WORKLOAD_ID", value: workload.id },
                { name: "SWITCHYARD_NODE_COUNT", value: String(count) },
              ],
              resources: {
                limits: { "nvidia.com/gpu": String(gpusPerPod) },
                requests: { "nvidia.com/gpu": String(gpusPerPod) },
              },
            },
          ],
        },
      },
    },
  };
}

export const manifestYaml = (job: V1Job) => stringify(job, { lineWidth: 0 });

import type { V1Job } from "@kubernetes/client-node";
import { Job } from "kubernetes-models/batch/v1";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { kubeFixture } from "../../test/fixtures/kubernetes/fixtures.ts";
import type { TKueueWorkload } from "./k8s-client.ts";
import { jobName, manifestYaml, renderJobManifest, type TManifestInput } from "./k8s-manifest.ts";
import { observeKubeJob } from "./k8s-status.ts";

const input = (over: Partial<TManifestInput> = {}): TManifestInput => ({
  workload: {
    id: "cmiq0v1xk0001s6ab2cde3fgh",
    name: "llama-70b pretrain",
    command: "torchrun --nnodes 2 train.py",
    image: "nvcr.io/nvidia/pytorch:25.01-py3",
    estimatedHours: 2,
    teamSlug: "applied-ml",
  },
  externalJobId: "cmiq0w9zz0009s6abk8l7m6n5",
  target: { namespace: "ml-train", localQueue: "ml-gpu" },
  nodes: [
    { hostname: "gpu-a01", gpus: 8 },
    { hostname: "gpu-a02", gpus: 8 },
  ],
  nodePoolLabel: null,
  ...over,
});

/** Validates against the Kubernetes OpenAPI schema (kubernetes-models); throws when invalid. */
const validate = (job: unknown) => new Job(job as ConstructorParameters<typeof Job>[0]).validate();

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

describe("the Job manifest of a workload", () => {
  it("is a valid batch/v1 Job for a 2 × 8 gang: Indexed, one pod per node, queued in the team's LocalQueue", () => {
    const job = renderJobManifest(input());
    expect(() => validate(job)).not.toThrow();
    // The YAML download is the same object.
    expect(() => validate(parse(manifestYaml(job)))).not.toThrow();
    expect(parse(manifestYaml(job))).toEqual(JSON.parse(JSON.stringify(job)));
    expect(job.metadata?.namespace).toBe("ml-train");
    expect(job.metadata?.labels?.["kueue.x-k8s.io/queue-name"]).toBe("ml-gpu");
    for (const value of Object.values(job.metadata?.labels ?? {})) expect(value).toMatch(LABEL_VALUE);
    expect(job.metadata?.name).toMatch(DNS_LABEL);
    expect(job.metadata?.annotations?.["switchyard.io/workload-id"]).toBe("cmiq0v1xk0001s6ab2cde3fgh");
    expect(job.spec).toMatchObject({
      completionMode: "Indexed",
      completions: 2,
      parallelism: 2,
      backoffLimit: 0,
    });
    // 2 h estimated + 25 % + 10 min = 160 min.
    expect(job.spec?.activeDeadlineSeconds).toBe(160 * 60);
    expect(job.spec?.suspend).toBeUndefined();
    const pod = job.spec?.template.spec;
    expect(pod?.containers[0]?.resources?.limits).toEqual({ "nvidia.com/gpu": "8" });
    expect(pod?.containers[0]?.image).toBe("nvcr.io/nvidia/pytorch:25.01-py3");
    expect(pod?.containers[0]?.command).toEqual(["/bin/sh", "-c", "torchrun --nnodes 2 train.py"]);
    expect(pod?.tolerations).toContainEqual({
      key: "nvidia.com/gpu",
      operator: "Exists",
      effect: "NoSchedule",
    });
    expect(
      pod?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0],
    ).toEqual({
      matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["gpu-a01", "gpu-a02"] }],
    });
    expect(pod?.affinity?.podAntiAffinity).toBeDefined();
    expect(job.spec?.template.metadata?.labels?.["switchyard.io/workload-id"]).toBe(
      "cmiq0v1xk0001s6ab2cde3fgh",
    );
  });

  it("is a valid single-pod Job with a node pool instead of named nodes", () => {
    const job = renderJobManifest(
      input({
        nodes: [{ hostname: "gpu-b07", gpus: 2 }],
        nodePoolLabel: "cloud.google.com/gke-nodepool=a3-pool",
      }),
    );
    expect(() => validate(job)).not.toThrow();
    expect(job.spec).toMatchObject({ completions: 1, parallelism: 1 });
    expect(job.spec?.template.spec?.containers[0]?.resources?.limits).toEqual({ "nvidia.com/gpu": "2" });
    expect(
      job.spec?.template.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
        ?.nodeSelectorTerms[0],
    ).toEqual({
      matchExpressions: [{ key: "cloud.google.com/gke-nodepool", operator: "In", values: ["a3-pool"] }],
    });
    expect(job.spec?.template.spec?.affinity?.podAntiAffinity).toBeUndefined();
  });

  it("fails the schema check when a field has the wrong type (the check can fail)", () => {
    const job = renderJobManifest(input()) as unknown as { spec: { completions: unknown } };
    job.spec.completions = "two";
    expect(() => validate(job)).toThrow();
  });

  it("names Jobs as DNS labels of at most 63 characters, one per hand-over", () => {
    const long = jobName(`W_${"x".repeat(90)}`, "cmiq0w9zz0009s6abk8l7m6n5");
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(DNS_LABEL);
    expect(jobName("wl1", "aaaaaaaa11111111")).not.toBe(jobName("wl1", "aaaaaaaa22222222"));
  });
});

describe("a Job and its Kueue Workload in the lifecycle's terms (fixtures written from the API types)", () => {
  const manifest = renderJobManifest(input());
  const ref = { namespace: "ml-train", name: manifest.metadata?.name as string };
  const vars = { ...ref, uid: "4b1f6c7e-2a2d-4c8e-9f3e-0d5c7a1b2e3f", queue: "ml-gpu" };
  const job = (fixture: string): V1Job => {
    const state = kubeFixture<{ spec: object; status: object }>(fixture);
    return {
      ...manifest,
      metadata: { ...manifest.metadata, uid: vars.uid },
      spec: { ...(manifest.spec as object), ...state.spec } as V1Job["spec"],
      status: state.status as V1Job["status"],
    };
  };
  const kueue = (fixture: string) => kubeFixture<TKueueWorkload>(fixture, vars);

  it("is waiting in the queue with Kueue's reason while quota is not reserved", () => {
    const seen = observeKubeJob(ref, job("job-queued.json"), kueue("workload-pending.json"));
    expect(seen.phase).toBe("waiting");
    expect(seen.reason).toContain(
      "pending in queue ml-gpu: Pending: couldn't assign flavors to pod set main",
    );
    expect(seen.tracked).toMatchObject({ externalState: "Queued" });
  });

  it("is waiting for Kueue before Kueue has made its Workload", () => {
    expect(observeKubeJob(ref, job("job-queued.json"), undefined)).toMatchObject({
      phase: "waiting",
      reason: expect.stringContaining("waiting for Kueue to create its Workload"),
    });
  });

  it("is running from the Job's startTime once Kueue admitted it", () => {
    const seen = observeKubeJob(ref, job("job-running.json"), kueue("workload-admitted.json"));
    expect(seen.phase).toBe("running");
    expect(seen.startedAt?.toISOString()).toBe("2026-12-03T04:12:05.000Z");
    expect(seen.runningReason).toContain("ClusterQueue cluster-gpu");
  });

  it("succeeds at the Job's completionTime when Complete", () => {
    const seen = observeKubeJob(ref, job("job-complete.json"), kueue("workload-admitted.json"));
    expect(seen.phase).toBe("succeeded");
    expect(seen.endedAt?.toISOString()).toBe("2026-12-03T04:40:13.000Z");
    expect(seen.reason).toContain("2 of 2 pods succeeded");
  });

  it("fails with BackoffLimitExceeded or DeadlineExceeded and the controller's message", () => {
    const backoff = observeKubeJob(ref, job("job-failed-backoff.json"), kueue("workload-admitted.json"));
    expect(backoff).toMatchObject({
      phase: "failed",
      reason: expect.stringContaining(
        "failed: BackoffLimitExceeded: Job has reached the specified backoff limit",
      ),
      tracked: { externalState: "Failed", externalReason: "BackoffLimitExceeded" },
    });
    expect(backoff.endedAt?.toISOString()).toBe("2026-12-03T04:15:31.000Z");
    const deadline = observeKubeJob(ref, job("job-failed-deadline.json"), kueue("workload-admitted.json"));
    expect(deadline.reason).toContain("DeadlineExceeded: Job was active longer than specified deadline");
  });

  it("is preempted when Kueue evicts a Job that had started, and waits again when it had not", () => {
    const started = observeKubeJob(ref, job("job-running.json"), kueue("workload-evicted.json"));
    expect(started).toMatchObject({ phase: "preempted", reason: expect.stringContaining("Kueue evicted") });
    expect(started.reason).toContain("Preempted: Preempted to accommodate a workload");
    expect(started.endedAt?.toISOString()).toBe("2026-12-03T04:20:40.000Z");
    const queued = observeKubeJob(ref, job("job-queued.json"), kueue("workload-evicted.json"));
    expect(queued).toMatchObject({
      phase: "waiting",
      reason: expect.stringContaining("evicted by Kueue (Preempted"),
    });
  });

  it("is lost when the API server no longer has the Job", () => {
    expect(observeKubeJob(ref, null, undefined)).toMatchObject({
      phase: "lost",
      reason: expect.stringContaining("no longer has Job ml-train/"),
    });
  });
});

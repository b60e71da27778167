/**
 * The Kubernetes executor against a local HTTPS server that answers like an API server with
 * Kueue (test/support/kube-api-server.ts: server-side apply, get, list, delete, Kueue
 * Workloads and LocalQueues, 401/403/409/422/500 and an unreachable address), with Job and
 * Workload states from the hand-written fixtures in test/fixtures/kubernetes, on both
 * databases. No Kubernetes runs here: the client, the manifests, the mapping and the
 * database side are real; the API server is not.
 */
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse } from "yaml";
import type { TSessionUser } from "../src/auth/session.ts";
import { runExecutorTick } from "../src/executors/tick.ts";
import { appRouter } from "../src/root.ts";
import type { TWorkloadSpec } from "../src/router/workload/workload.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { approveAll } from "./helpers.ts";
import { startKubeApiServer, type TKubeApiServer } from "./support/kube-api-server.ts";

const createCaller = createCallerFactory(appRouter);
const PLATFORM: TSessionUser = {
  id: "user-platform",
  email: "platform@switchyard.demo",
  name: "Pat",
  role: "PLATFORM_ENGINEER",
};
const SITE = "site-kube-test";
const CERT = "KUBE-TEST";
const NS = "ml-train";
const QUEUE = "ml-gpu";
const BASE: Omit<TWorkloadSpec, "deadline"> = {
  name: "kube-job",
  kind: "TRAINING",
  teamId: "team-applied-ml",
  gpu: { count: 2 },
  gpuModels: ["H200"],
  estimatedHours: 1,
  datasetIds: [],
  requiredCertifications: [CERT],
  allowedKinds: [],
  priority: 50,
  preemptible: false,
  dependsOn: [],
  command: "python train.py",
  image: "nvcr.io/nvidia/pytorch:25.01-py3",
};

describeEachDb("Kubernetes executor against a local API server", (kind) => {
  let t: TTestDb;
  let server: TKubeApiServer;
  const api = () => createCaller(createInnerContext({ prisma: t.db.prisma, user: PLATFORM }));
  const tick = () => runExecutorTick(t.db.prisma, { holder: "test" });
  const workload = (id: string) => t.db.prisma.workload.findUniqueOrThrow({ where: { id } });
  const events = (id: string) =>
    t.db.prisma.workloadEvent.findMany({ where: { workloadId: id }, orderBy: { createdAt: "asc" } });
  const externalJob = (id: string) =>
    t.db.prisma.externalJob.findFirstOrThrow({ where: { workloadId: id }, orderBy: { createdAt: "desc" } });
  const applies = (name?: string) =>
    server.requests.filter((r) => r.method === "PATCH" && (!name || r.path.endsWith(`/jobs/${name}`)));
  const jobRef = async (id: string) => {
    const job = await externalJob(id);
    const [namespace, name] = (job.externalId as string).split("/") as [string, string];
    return { namespace, name };
  };
  const setExecutor = (over: Record<string, unknown> = {}) =>
    api().executor.set({
      siteId: SITE,
      kind: "KUBERNETES",
      endpoint: server.url,
      caBundle: server.caBundle,
      token: server.token,
      teams: { "applied-ml": { namespace: NS, localQueue: QUEUE } },
      ...over,
    } as Parameters<ReturnType<typeof api>["executor"]["set"]>[0]);

  async function submitAndSchedule(spec: Partial<TWorkloadSpec> = {}) {
    const { id } = await api().workload.submit({ spec: { ...BASE, ...spec } });
    const w = await api().workload.byId({ id });
    if (!w.decision?.feasible) throw new Error(`not placed: ${w.stateReason}`);
    const result = await api().workload.schedule({ id, decisionId: w.decision.id });
    if (result.state === "AWAITING_APPROVAL") await approveAll(t.db, id);
    expect((await workload(id)).state).toBe("SCHEDULED");
    return id;
  }

  /** Dispatched, and a second passed, so that Kubernetes' whole-second times come after it. */
  async function dispatched(spec: Partial<TWorkloadSpec> = {}) {
    const id = await submitAndSchedule(spec);
    const report = await tick();
    expect(report.submitted).toContain(id);
    await new Promise((r) => setTimeout(r, 1_100));
    return { id, ...(await jobRef(id)) };
  }

  beforeAll(async () => {
    server = await startKubeApiServer({ namespaces: [NS], localQueues: [`${NS}/${QUEUE}`] });
    t = await createTestDb(kind);
    await seedDemo(t.db);
    await t.db.prisma.site.create({
      data: {
        id: SITE,
        slug: "kube-test",
        name: "Kubernetes test cluster",
        kind: "CLOUD",
        provider: "gcp",
        region: "europe-west4",
        country: "NL",
        jurisdiction: "EU",
        certifications: [CERT],
        wanGbps: 10,
        egressUsdPerGb: 0,
        carbonGPerKwh: 100,
        latitude: 52,
        longitude: 5,
        prices: { create: { gpuModel: "H200", usdPerGpuHour: 1, source: "test" } },
        nodes: {
          create: ["gke-a3-0", "gke-a3-1"].map((hostname) => ({
            hostname,
            gpuModel: "H200",
            gpuCount: 8,
            gpuMemoryGib: 141,
            fabric: "kube-test/a3",
            interconnect: "NVLINK",
          })),
        },
      },
    });
  }, 180_000);
  afterAll(async () => {
    await t?.cleanup();
    await server?.stop();
  });

  it("refuses bad settings naming the field, stores the token encrypted and never returns it", async () => {
    /** The failing fields and their messages, as the error formatter sends them to forms. */
    const fieldsOf = async (p: Promise<unknown>) => {
      const error = await p.then(
        () => null,
        (e: {
          code: string;
          cause?: { issues?: { path: string[]; message: string }[]; field?: string; userMessage?: string };
        }) => e,
      );
      expect(error).toMatchObject({ code: "BAD_REQUEST" });
      const cause = error?.cause;
      return cause?.issues
        ? Object.fromEntries(cause.issues.map((i) => [i.path.join("."), i.message]))
        : { [cause?.field ?? "_"]: cause?.userMessage };
    };
    expect(await fieldsOf(setExecutor({ endpoint: "http://127.0.0.1:6443" }))).toEqual({
      endpoint: "An https:// URL of the Kubernetes API server, without user or password in it",
    });
    expect(
      await fieldsOf(setExecutor({ teams: { "applied-ml": { namespace: "ML_Train", localQueue: QUEUE } } })),
    ).toEqual({ "teams.applied-ml.namespace": expect.stringMatching(/^A namespace: lowercase letters/) });
    expect(await fieldsOf(setExecutor({ teams: {} }))).toEqual({
      teams: "Give the namespace and LocalQueue of at least one team",
    });
    expect(await fieldsOf(setExecutor({ nodePoolLabel: "no pool" }))).toEqual({
      nodePoolLabel: expect.stringMatching(/^A node label as key=value/),
    });
    expect(await fieldsOf(setExecutor({ caBundle: "not a certificate" }))).toEqual({
      caBundle: expect.stringMatching(/PEM certificates/),
    });
    expect(
      await fieldsOf(setExecutor({ teams: { "no-such-team": { namespace: NS, localQueue: QUEUE } } })),
    ).toEqual({ teams: "No team has the slug no-such-team." });
    expect(await fieldsOf(setExecutor({ token: undefined }))).toEqual({
      token: expect.stringMatching(/needs a bearer token/),
    });

    const view = await setExecutor();
    expect(view).toMatchObject({
      kind: "KUBERNETES",
      endpoint: server.url,
      hasCredential: true,
      teams: { "applied-ml": { namespace: NS, localQueue: QUEUE } },
      nodePoolLabel: null,
    });
    expect(JSON.stringify(view)).not.toContain(server.token);
    const stored = await t.db.prisma.siteExecutor.findUniqueOrThrow({ where: { siteId: SITE } });
    expect(stored.credential).toMatch(/^enc:v1:/);
    expect(stored.credential).not.toContain(server.token);
    const audits = await t.db.prisma.auditEvent.findMany({
      where: { objectId: SITE, action: "site.executor.set" },
    });
    expect(JSON.stringify(audits, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(
      server.token,
    );
  });

  it("tests the connection: /version and each team's namespace and LocalQueue, with a clear error", async () => {
    expect(await api().executor.testConnection({ siteId: SITE })).toEqual({
      ok: true,
      message: `Kubernetes v1.34.2 answers; 1 team queue(s) found: applied-ml → ${NS}/${QUEUE}`,
      nodes: 0,
    });
    expect(server.requests.some((r) => r.path === "/version")).toBe(true);

    await setExecutor({ teams: { "applied-ml": { namespace: NS, localQueue: "missing-queue" } } });
    const missing = await api().executor.testConnection({ siteId: SITE });
    expect(missing).toMatchObject({ ok: false });
    expect(missing.message).toMatch(
      /LocalQueue ml-train\/missing-queue: HTTP 404 localqueues.kueue.x-k8s.io "missing-queue" not found/,
    );

    await setExecutor({ token: "wrong-token-123" });
    const refused = await api().executor.testConnection({ siteId: SITE });
    expect(refused.message).toMatch(/GET \/version: HTTP 401 .*token was refused/);

    // Without the CA bundle the self-signed certificate is not trusted.
    await setExecutor({ caBundle: undefined });
    const untrusted = await api().executor.testConnection({ siteId: SITE });
    expect(untrusted.message).toMatch(/certificate that is not trusted .*give its CA bundle/);

    await setExecutor();
    expect((await api().executor.testConnection({ siteId: SITE })).ok).toBe(true);
  });

  it("applies an Indexed Job server-side into the team's namespace and queue, then follows it to SUCCEEDED at Kubernetes' times", async () => {
    const { id, namespace, name } = await dispatched();
    const [apply] = applies(name);
    expect(apply).toMatchObject({
      contentType: "application/apply-patch+yaml",
      query: { fieldManager: "switchyard", force: "true" },
    });
    const job = await externalJob(id);
    expect(job).toMatchObject({ kind: "KUBERNETES", status: "SUBMITTED", externalId: `${NS}/${name}` });
    expect(namespace).toBe(NS);
    const applied = server.jobs.get(`${NS}/${name}`);
    expect(applied?.metadata.labels).toMatchObject({
      "kueue.x-k8s.io/queue-name": QUEUE,
      "switchyard.io/workload-id": id,
      "app.kubernetes.io/managed-by": "switchyard",
    });
    expect(applied?.spec.template.spec.containers[0].resources.limits).toEqual({ "nvidia.com/gpu": "2" });

    // The manifest download is the applied Job.
    const download = await api().executor.jobScript({ workloadId: id });
    expect(download).toMatchObject({
      fileName: `switchyard-${id}-job-${name}.yaml`,
      mediaType: "application/yaml",
    });
    expect(parse(download.script)).toMatchObject({ kind: "Job", metadata: { name, namespace: NS } });

    // Queued in Kueue without quota: still SCHEDULED, Kueue's reason shown.
    server.setState(NS, name, "job-queued.json", "workload-pending.json");
    await tick();
    const queued = await workload(id);
    expect(queued.state).toBe("SCHEDULED");
    expect(queued.stateReason).toMatch(/pending in queue ml-gpu: Pending: couldn't assign flavors/);

    const running = server.setState(NS, name, "job-running.json", "workload-admitted.json");
    await tick();
    expect((await workload(id)).state).toBe("RUNNING");
    const startedAt = new Date(running.base + 125_000); // the fixture's startTime
    expect((await events(id)).at(-1)).toMatchObject({ toState: "RUNNING", createdAt: startedAt });
    expect((await externalJob(id)).externalState).toBe("Running");

    const done = server.setState(NS, name, "job-complete.json", "workload-admitted.json");
    await tick();
    const w = await workload(id);
    expect(w.state).toBe("SUCCEEDED");
    const ended = new Date(
      done.base + (Date.parse("2026-12-03T04:40:13Z") - Date.parse("2026-12-03T04:10:00Z")),
    );
    expect((await events(id)).at(-1)).toMatchObject({ toState: "SUCCEEDED", createdAt: ended });
    expect(await externalJob(id)).toMatchObject({ status: "ENDED", externalState: "Complete", exitCode: 0 });
    expect(await t.db.prisma.allocation.count({ where: { workloadId: id, status: "ACTIVE" } })).toBe(0);
  });

  it("a Job that fails (BackoffLimitExceeded) ends FAILED with the reason; a gang gets one pod per node", async () => {
    const { id, name } = await dispatched({ name: "gang", gpu: { nodes: 2, gpusPerNode: 8 } });
    const applied = server.jobs.get(`${NS}/${name}`);
    expect(applied?.spec).toMatchObject({ completionMode: "Indexed", completions: 2, parallelism: 2 });
    expect(
      applied?.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
        .nodeSelectorTerms[0].matchExpressions[0].values,
    ).toEqual(["gke-a3-0", "gke-a3-1"]);
    server.setState(NS, name, "job-failed-backoff.json", "workload-admitted.json");
    await tick();
    const w = await workload(id);
    expect(w.state).toBe("FAILED");
    const last = (await events(id)).at(-1);
    expect(last?.reason).toMatch(/failed: BackoffLimitExceeded: Job has reached the specified backoff limit/);
    expect((await events(id)).map((e) => e.toState)).toContain("RUNNING");
  });

  it("cancel in Switchyard deletes the Job with propagationPolicy Background", async () => {
    const { id, name } = await dispatched({ name: "to-cancel" });
    server.setState(NS, name, "job-running.json", "workload-admitted.json");
    await tick();
    expect((await workload(id)).state).toBe("RUNNING");
    await api().workload.cancel({ id, reason: "not needed" });
    const report = await tick();
    expect(report.cancelled).toContain(id);
    const deletes = server.requests.filter((r) => r.method === "DELETE" && r.path.endsWith(`/jobs/${name}`));
    expect(deletes).toHaveLength(1);
    expect(
      deletes[0]?.query.propagationPolicy ??
        (deletes[0]?.body as { propagationPolicy?: string })?.propagationPolicy,
    ).toBe("Background");
    expect(server.jobs.has(`${NS}/${name}`)).toBe(false);
    expect(await externalJob(id)).toMatchObject({ status: "ENDED", externalState: "Deleted" });
    expect((await workload(id)).state).toBe("CANCELLED");
  });

  it("a Job the API server no longer has ends FAILED with the reason; one evicted by Kueue after it started is PREEMPTED", async () => {
    const gone = await dispatched({ name: "vanishes" });
    server.setState(NS, gone.name, "job-running.json", "workload-admitted.json");
    await tick();
    server.removeJob(NS, gone.name);
    await tick();
    expect(await workload(gone.id)).toMatchObject({ state: "FAILED" });
    expect((await events(gone.id)).at(-1)?.reason).toMatch(/API server no longer has Job ml-train\//);

    const evicted = await dispatched({ name: "evicted", preemptible: true });
    server.setState(NS, evicted.name, "job-running.json", "workload-evicted.json");
    await tick();
    expect((await workload(evicted.id)).state).not.toBe("SCHEDULED");
    expect((await events(evicted.id)).map((e) => e.toState)).toContain("PREEMPTED");
    expect((await events(evicted.id)).find((e) => e.toState === "PREEMPTED")?.reason).toMatch(
      /Kueue evicted Job .*\(Preempted: Preempted to accommodate a workload/,
    );
    expect(server.jobs.has(`${NS}/${evicted.name}`)).toBe(false);
  });

  it("after a crash between the apply and the answer, the Job is found by its label, not applied twice", async () => {
    // The API server takes the Job but the answer never arrives (500 after applying).
    server.failNext("PATCH", /\/jobs\//, 500, { applyFirst: true });
    const id = await submitAndSchedule({ name: "crash" });
    await tick();
    const intent = await externalJob(id);
    expect(intent).toMatchObject({ status: "INTENT", attempts: 1 });
    expect(intent.lastError).toMatch(/HTTP 500 etcdserver: request timed out/);
    expect((await workload(id)).stateReason).toMatch(
      /^Kubernetes did not take the job \(attempt 1\): .*trying again after/,
    );
    const name = (intent.request as { metadata: { name: string } }).metadata.name;
    expect(server.jobs.has(`${NS}/${name}`)).toBe(true);

    await tick(); // before the back-off is over: nothing is applied again
    expect(applies(name)).toHaveLength(1);
    await t.db.prisma.externalJob.update({ where: { id: intent.id }, data: { nextAttemptAt: new Date() } });
    await tick();
    expect(applies(name)).toHaveLength(1);
    expect(await externalJob(id)).toMatchObject({ status: "SUBMITTED", externalId: `${NS}/${name}` });
    expect((await workload(id)).stateReason).toMatch(/found by its label after a restart/);
    await api().workload.cancel({ id });
    await tick();
  });

  it("faults keep the workload SCHEDULED with a clear reason and retry with back-off: 401, 403, 409, 422, unreachable", async () => {
    // 401 and 403 on reading the namespace's Jobs: the site shows the error, the workload why it waits.
    server.failNext("GET", /\/namespaces\/ml-train\/jobs$/, 401);
    const id = await submitAndSchedule({ name: "faults" });
    let report = await tick();
    expect(report.errors[0]?.message).toMatch(
      /list Jobs in ml-train: HTTP 401 Unauthorized \(the token was refused/,
    );
    expect((await workload(id)).stateReason).toMatch(
      /^waiting to be handed to Kubernetes: list Jobs in ml-train: HTTP 401/,
    );
    expect((await api().executor.bySite({ siteId: SITE })).lastError).toMatch(/HTTP 401/);

    server.failNext("GET", /\/namespaces\/ml-train\/jobs$/, 403);
    report = await tick();
    expect(report.errors[0]?.message).toMatch(/HTTP 403 jobs.batch is forbidden.*lacks the permission/);

    // 409 and 422 on the apply: the intent stays, with the error and a back-off.
    server.failNext("PATCH", /\/jobs\//, 409);
    await tick();
    let job = await externalJob(id);
    expect(job).toMatchObject({ status: "INTENT", attempts: 1 });
    expect(job.lastError).toMatch(/HTTP 409 Operation cannot be fulfilled/);
    expect(job.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 10_000);
    expect((await workload(id)).state).toBe("SCHEDULED");

    await t.db.prisma.externalJob.update({ where: { id: job.id }, data: { nextAttemptAt: new Date() } });
    server.failNext("PATCH", /\/jobs\//, 422);
    await tick();
    job = await externalJob(id);
    expect(job).toMatchObject({ status: "INTENT", attempts: 2 });
    expect(job.lastError).toMatch(/HTTP 422 Job.batch is invalid/);
    // The back-off doubles.
    expect(job.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 25_000);
    expect((await api().executor.bySite({ siteId: SITE })).lastError).toMatch(
      /applying the Job of faults failed/,
    );

    // Unreachable: nothing listens there.
    await t.db.prisma.siteExecutor.update({
      where: { siteId: SITE },
      data: { endpoint: "https://127.0.0.1:9" },
    });
    report = await tick();
    expect(report.errors[0]?.message).toMatch(
      /the API server at https:\/\/127\.0\.0\.1:9 is unreachable \(ECONNREFUSED\)/,
    );
    expect((await workload(id)).state).toBe("SCHEDULED");
    await t.db.prisma.siteExecutor.update({ where: { siteId: SITE }, data: { endpoint: server.url } });

    // Back, and past the back-off: applied once, tracked.
    await t.db.prisma.externalJob.update({ where: { id: job.id }, data: { nextAttemptAt: new Date() } });
    report = await tick();
    expect(report.errors).toEqual([]);
    expect(await externalJob(id)).toMatchObject({ status: "SUBMITTED", attempts: 3 });
    expect((await api().executor.bySite({ siteId: SITE })).lastError).toBeNull();
    await api().workload.cancel({ id });
    await tick();
    expect(await t.db.prisma.externalJob.count({ where: { siteId: SITE, status: { not: "ENDED" } } })).toBe(
      0,
    );
  });
});

/**
 * A local HTTPS server that answers the calls Switchyard's Kubernetes client makes, the way a
 * Kubernetes API server with Kueue answers them: bearer-token authentication, API discovery
 * for batch/v1, server-side apply of Jobs (application/apply-patch+yaml, fieldManager; the
 * applied Job is checked against the Kubernetes OpenAPI schema and rejected with 422 when
 * invalid, and Kueue's webhook is imitated by suspending it), Job get/list by label/delete,
 * Kueue Workloads and LocalQueues, metav1.Status errors. Job states and Kueue Workloads come
 * from the hand-written fixtures in test/fixtures/kubernetes, with their times moved to "now".
 *
 * It is not Kubernetes: nothing is scheduled and no pod runs. Its certificate is a fresh
 * self-signed one (openssl), handed to the executor as its CA bundle.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Job } from "kubernetes-models/batch/v1";
import { parse } from "yaml";
import { kubeFixture } from "../fixtures/kubernetes/fixtures.ts";

// The server handles arbitrary API objects read back from JSON and YAML; the tests index them freely.
// biome-ignore lint/suspicious/noExplicitAny: untyped API objects, as an API server sees them
type TObject = Record<string, any>;

export type TRecordedRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | null;
  body: unknown;
};

type TFault = { method: string; path: RegExp; status: number; times: number; applyFirst: boolean };

/** The epoch the fixtures' times are written against (see the fixtures' README). */
const FIXTURE_EPOCH = Date.parse("2026-12-03T04:10:00Z");

export type TKubeApiServer = {
  url: string;
  token: string;
  caBundle: string;
  requests: TRecordedRequest[];
  jobs: Map<string, TObject>;
  /** Answer the next `times` matching requests with this HTTP status (a metav1.Status). */
  failNext(
    method: string,
    path: RegExp,
    status: number,
    options?: { times?: number; applyFirst?: boolean },
  ): void;
  /** Gives a Job the state of a fixture (job-*.json) and its Kueue Workload (workload-*.json). */
  setState(namespace: string, name: string, jobFixture: string, workloadFixture?: string): { base: number };
  /** The Job disappears (deleted outside Switchyard). */
  removeJob(namespace: string, name: string): void;
  addLocalQueue(namespace: string, name: string): void;
  stop(): Promise<void>;
};

function status(code: number, message: string): TObject {
  const reasons: Record<number, string> = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    422: "Invalid",
    500: "InternalError",
  };
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: code < 400 ? "Success" : "Failure",
    message,
    reason: reasons[code] ?? "",
    code,
  };
}

/** Every "…Z" time in a fixture, moved so that the fixture epoch is `base`. */
function shiftTimes(value: unknown, base: number): unknown {
  if (typeof value === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(value))
    return new Date(base + (Date.parse(value) - FIXTURE_EPOCH)).toISOString().replace(".000Z", "Z");
  if (Array.isArray(value)) return value.map((v) => shiftTimes(v, base));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftTimes(v, base)]));
  return value;
}

const JOB_PATH = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs\/([^/]+)$/;

function timesIn(value: unknown): number[] {
  if (typeof value === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(value))
    return [Date.parse(value)];
  if (Array.isArray(value)) return value.flatMap(timesIn);
  if (value && typeof value === "object") return Object.values(value).flatMap(timesIn);
  return [FIXTURE_EPOCH];
}

function matchesSelector(labels: Record<string, string> | undefined, selector: string | undefined) {
  if (!selector) return true;
  return selector
    .split(",")
    .filter(Boolean)
    .every((term) => {
      const [key, value] = term.split("=");
      return labels?.[key as string] === value;
    });
}

export async function startKubeApiServer(
  options: { token?: string; namespaces?: string[]; localQueues?: string[] } = {},
): Promise<TKubeApiServer> {
  const dir = mkdtempSync(join(tmpdir(), "switchyard-kube-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
      "-days",
      "1",
      "-subj",
      "/CN=switchyard-test-apiserver",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ],
    { stdio: "ignore" },
  );
  const cert = readFileSync(join(dir, "cert.pem"), "utf8");
  const key = readFileSync(join(dir, "key.pem"), "utf8");
  rmSync(dir, { recursive: true, force: true });

  const token = options.token ?? `test-${randomUUID()}`;
  const namespaces = new Set(options.namespaces ?? []);
  const localQueues = new Set(options.localQueues ?? []);
  const jobs = new Map<string, TObject>();
  const workloads = new Map<string, TObject>(); // by Job uid
  const requests: TRecordedRequest[] = [];
  const faults: TFault[] = [];

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }

  function send(res: ServerResponse, code: number, body: unknown) {
    res.writeHead(code, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }

  function applyJob(namespace: string, name: string, body: string, query: Record<string, string>) {
    if (!query.fieldManager) return [422, status(422, "PATCH requires a field manager with apply")] as const;
    let object: TObject;
    try {
      object = parse(body) as TObject;
    } catch (error) {
      return [400, status(400, `error decoding YAML: ${(error as Error).message}`)] as const;
    }
    if (object?.kind !== "Job" || object.apiVersion !== "batch/v1")
      return [400, status(400, "the body is not a batch/v1 Job")] as const;
    if (object.metadata?.name !== name || (object.metadata?.namespace ?? namespace) !== namespace)
      return [400, status(400, "the name or namespace of the object does not match the URL")] as const;
    try {
      new Job(object as ConstructorParameters<typeof Job>[0]).validate();
    } catch (error) {
      return [422, status(422, `Job.batch "${name}" is invalid: ${(error as Error).message}`)] as const;
    }
    const keyOf = `${namespace}/${name}`;
    const existing = jobs.get(keyOf);
    if (existing) {
      existing.metadata.labels = object.metadata.labels;
      existing.metadata.annotations = object.metadata.annotations;
      return [200, existing] as const;
    }
    const created: TObject = {
      ...object,
      metadata: {
        ...object.metadata,
        namespace,
        uid: randomUUID(),
        resourceVersion: "1",
        generation: 1,
        creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        managedFields: [{ manager: query.fieldManager, operation: "Apply", apiVersion: "batch/v1" }],
      },
      // Kueue's webhook suspends a Job that names a queue until its Workload is admitted.
      spec: { ...object.spec, suspend: true },
      status: {},
    };
    jobs.set(keyOf, created);
    return [201, created] as const;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "https://localhost");
    const method = req.method ?? "GET";
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const raw = await readBody(req);
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      // YAML (apply) or text: kept as sent
    }
    requests.push({ method, path, query, contentType: req.headers["content-type"] ?? null, body });

    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, status(401, "Unauthorized"));
    const fault = faults.find((f) => f.method === method && f.path.test(path) && f.times > 0);
    if (fault) {
      fault.times -= 1;
      const target = JOB_PATH.exec(path);
      if (fault.applyFirst && target) applyJob(target[1] as string, target[2] as string, raw, query);
      const messages: Record<number, string> = {
        401: "Unauthorized",
        403: `jobs.batch is forbidden: User "system:serviceaccount:switchyard:dispatcher" cannot ${method.toLowerCase()} resource "jobs" in API group "batch"`,
        409: "Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again",
        422: "Job.batch is invalid: spec.template.spec.containers[0].image: Required value",
        500: "etcdserver: request timed out",
      };
      return send(res, fault.status, status(fault.status, messages[fault.status] ?? "injected fault"));
    }

    // /api/v1/namespaces/{ns}, /apis/{group}/{version}/namespaces/{ns}/{resource}[/{name}]
    const seg = path.split("/").filter(Boolean).map(decodeURIComponent);
    const groupVersion = seg[0] === "api" ? seg[1] : `${seg[1]}/${seg[2]}`;
    const rest = seg[0] === "api" ? seg.slice(2) : seg.slice(3);
    const [, ns = "", resource, name] = rest[0] === "namespaces" ? rest : [];
    if (method === "GET" && path === "/version") return send(res, 200, kubeFixture("version.json"));
    if (method === "GET" && path === "/apis/batch/v1")
      return send(res, 200, {
        kind: "APIResourceList",
        apiVersion: "v1",
        groupVersion: "batch/v1",
        resources: [
          {
            name: "jobs",
            singularName: "job",
            namespaced: true,
            kind: "Job",
            verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
            categories: ["all"],
          },
          {
            name: "jobs/status",
            singularName: "",
            namespaced: true,
            kind: "Job",
            verbs: ["get", "patch", "update"],
          },
        ],
      });
    if (method === "GET" && groupVersion === "v1" && rest.length === 2 && rest[0] === "namespaces") {
      return namespaces.has(ns)
        ? send(res, 200, {
            kind: "Namespace",
            apiVersion: "v1",
            metadata: { name: ns },
            status: { phase: "Active" },
          })
        : send(res, 404, status(404, `namespaces "${ns}" not found`));
    }
    if (method === "GET" && groupVersion === "kueue.x-k8s.io/v1beta2" && resource === "localqueues" && name) {
      return localQueues.has(`${ns}/${name}`)
        ? send(res, 200, {
            apiVersion: "kueue.x-k8s.io/v1beta2",
            kind: "LocalQueue",
            metadata: { name, namespace: ns },
            spec: { clusterQueue: "cluster-gpu" },
          })
        : send(res, 404, status(404, `localqueues.kueue.x-k8s.io "${name}" not found`));
    }
    if (method === "GET" && groupVersion === "kueue.x-k8s.io/v1beta2" && resource === "workloads" && !name) {
      return send(res, 200, {
        apiVersion: "kueue.x-k8s.io/v1beta2",
        kind: "WorkloadList",
        metadata: { resourceVersion: "1" },
        items: [...workloads.values()].filter((w) => w.metadata.namespace === ns),
      });
    }
    if (method === "GET" && groupVersion === "batch/v1" && resource === "jobs" && !name) {
      return send(res, 200, {
        apiVersion: "batch/v1",
        kind: "JobList",
        metadata: { resourceVersion: "1" },
        items: [...jobs.values()].filter(
          (j) => j.metadata.namespace === ns && matchesSelector(j.metadata.labels, query.labelSelector),
        ),
      });
    }
    if (groupVersion === "batch/v1" && resource === "jobs" && name) {
      const job = jobs.get(`${ns}/${name}`);
      if (method === "GET")
        return job ? send(res, 200, job) : send(res, 404, status(404, `jobs.batch "${name}" not found`));
      if (method === "DELETE") {
        if (!job) return send(res, 404, status(404, `jobs.batch "${name}" not found`));
        jobs.delete(`${ns}/${name}`);
        workloads.delete(job.metadata.uid);
        return send(res, 200, {
          ...status(200, ""),
          details: { name, group: "batch", kind: "jobs", uid: job.metadata.uid },
        });
      }
      if (method === "PATCH") {
        if (req.headers["content-type"] !== "application/apply-patch+yaml")
          return send(res, 415, status(415, `the content type ${req.headers["content-type"]} is not apply`));
        const [code, answer] = applyJob(ns, name, raw, query);
        return send(res, code, answer);
      }
    }
    return send(res, 404, status(404, "the server could not find the requested resource"));
  }

  const server = createServer({ cert, key }, (req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, status(500, String(error))));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://127.0.0.1:${port}`,
    token,
    caBundle: cert.trim(),
    requests,
    jobs,
    failNext(method, path, code, opts = {}) {
      faults.push({
        method,
        path,
        status: code,
        times: opts.times ?? 1,
        applyFirst: opts.applyFirst ?? false,
      });
    },
    setState(namespace, name, jobFixture, workloadFixture) {
      const job = jobs.get(`${namespace}/${name}`);
      if (!job) throw new Error(`no Job ${namespace}/${name}`);
      // The fixtures' latest time becomes now (whole seconds), the others keep their distance.
      const rawJob = kubeFixture(jobFixture);
      const vars = {
        name,
        namespace,
        uid: job.metadata.uid as string,
        queue: job.metadata.labels?.["kueue.x-k8s.io/queue-name"] ?? "",
      };
      const rawWorkload = workloadFixture ? kubeFixture(workloadFixture, vars) : null;
      const latest = Math.max(...timesIn([rawJob, rawWorkload]));
      const base = Math.floor(Date.now() / 1_000) * 1_000 - (latest - FIXTURE_EPOCH);
      const state = shiftTimes(rawJob, base) as TObject;
      job.spec = { ...job.spec, ...state.spec };
      job.status = state.status;
      if (rawWorkload) workloads.set(job.metadata.uid, shiftTimes(rawWorkload, base) as TObject);
      return { base };
    },
    removeJob(namespace, name) {
      const job = jobs.get(`${namespace}/${name}`);
      if (job) workloads.delete(job.metadata.uid);
      jobs.delete(`${namespace}/${name}`);
    },
    addLocalQueue(namespace, name) {
      namespaces.add(namespace);
      localQueues.add(`${namespace}/${name}`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

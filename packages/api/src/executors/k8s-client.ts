import {
  ApiException,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type V1Job,
  VersionApi,
} from "@kubernetes/client-node";
import { openCredential } from "./credentials.ts";

/**
 * A small client for a Kubernetes API server with Kueue, on @kubernetes/client-node: Jobs
 * (batch/v1) are applied server-side with the field manager `switchyard`, read, listed by
 * label and deleted with propagationPolicy Background; Kueue's Workloads and LocalQueues are
 * read from kueue.x-k8s.io/v1beta2 (v1beta1 is deprecated upstream).
 *
 * Every failure is a KubeError with a kind a person can act on: the API server is
 * unreachable, it refused us (401/403: token or RBAC), it rejected the object (409/422), or
 * the object does not exist.
 */

export const FIELD_MANAGER = "switchyard";
export const KUEUE_GROUP = "kueue.x-k8s.io";
export const KUEUE_VERSION = "v1beta2";

export type TKubeConnection = { endpoint: string; token: string; caBundle?: string | null };

export type TKubeErrorKind = "UNREACHABLE" | "REJECTED" | "NOT_FOUND" | "BAD_RESPONSE";

export class KubeError extends Error {
  override name = "KubeError";
  constructor(
    readonly kind: TKubeErrorKind,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export type TKubeCondition = {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string | Date;
};

/** The fields of a Kueue Workload Switchyard reads (kueue.x-k8s.io/v1beta2 Workload). */
export type TKueueWorkload = {
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; uid: string }[];
  };
  status?: {
    conditions?: TKubeCondition[];
    admission?: { clusterQueue?: string };
  };
};

export class KubeClient {
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly objects: KubernetesObjectApi;
  private readonly version: VersionApi;

  constructor(private readonly connection: TKubeConnection) {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: "site",
          server: connection.endpoint.replace(/\/+$/, ""),
          ...(connection.caBundle ? { caData: Buffer.from(connection.caBundle).toString("base64") } : {}),
          skipTLSVerify: false,
        },
      ],
      users: [{ name: "switchyard", token: connection.token }],
      contexts: [{ name: "site", cluster: "site", user: "switchyard" }],
      currentContext: "site",
    });
    this.batch = kc.makeApiClient(BatchV1Api);
    this.core = kc.makeApiClient(CoreV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.objects = KubernetesObjectApi.makeApiClient(kc);
    this.version = kc.makeApiClient(VersionApi);
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toKubeError(this.connection.endpoint, what, error);
    }
  }

  /** GET /version: reachable, TLS trusted, token accepted (the version needs authentication). */
  async serverVersion(): Promise<string> {
    const info = await this.call("GET /version", () => this.version.getCode());
    return info.gitVersion;
  }

  /** The namespace exists and the LocalQueue is in it (404 of either becomes NOT_FOUND). */
  async checkQueue(namespace: string, localQueue: string): Promise<void> {
    await this.call(`namespace ${namespace}`, () => this.core.readNamespace({ name: namespace }));
    await this.call(`LocalQueue ${namespace}/${localQueue}`, () =>
      this.custom.getNamespacedCustomObject({
        group: KUEUE_GROUP,
        version: KUEUE_VERSION,
        namespace,
        plural: "localqueues",
        name: localQueue,
      }),
    );
  }

  /** Server-side apply: creates the Job or leaves an identical one as it is. */
  async applyJob(job: V1Job): Promise<V1Job> {
    const name = job.metadata?.name ?? "?";
    return this.call(`apply Job ${job.metadata?.namespace}/${name}`, () =>
      this.objects.patch(job, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply),
    );
  }

  async listJobs(namespace: string, labelSelector: string): Promise<V1Job[]> {
    const list = await this.call(`list Jobs in ${namespace}`, () =>
      this.batch.listNamespacedJob({ namespace, labelSelector }),
    );
    return list.items;
  }

  /** The Job, or null when the API server does not have it. */
  async job(namespace: string, name: string): Promise<V1Job | null> {
    try {
      return await this.call(`get Job ${namespace}/${name}`, () =>
        this.batch.readNamespacedJob({ namespace, name }),
      );
    } catch (error) {
      if (error instanceof KubeError && error.kind === "NOT_FOUND") return null;
      throw error;
    }
  }

  /** Deletes a Job and (in the background) its pods; a Job already gone counts as deleted. */
  async deleteJob(namespace: string, name: string): Promise<void> {
    try {
      await this.call(`delete Job ${namespace}/${name}`, () =>
        this.batch.deleteNamespacedJob({ namespace, name, propagationPolicy: "Background" }),
      );
    } catch (error) {
      if (error instanceof KubeError && error.kind === "NOT_FOUND") return;
      throw error;
    }
  }

  /** Kueue's Workloads in a namespace, keyed by the UID of the Job that owns each. */
  async kueueWorkloads(namespace: string): Promise<Map<string, TKueueWorkload>> {
    const list = (await this.call(`list Kueue Workloads in ${namespace}`, () =>
      this.custom.listNamespacedCustomObject({
        group: KUEUE_GROUP,
        version: KUEUE_VERSION,
        namespace,
        plural: "workloads",
      }),
    )) as { items?: TKueueWorkload[] };
    const byJobUid = new Map<string, TKueueWorkload>();
    for (const item of list.items ?? []) {
      const uid =
        item.metadata.labels?.["kueue.x-k8s.io/job-uid"] ??
        item.metadata.ownerReferences?.find((o) => o.kind === "Job")?.uid;
      if (uid) byJobUid.set(uid, item);
    }
    return byJobUid;
  }
}

/** The API server's own message (a metav1.Status body) when there is one. */
function statusMessage(body: unknown): string | null {
  if (typeof body === "string") {
    try {
      return statusMessage(JSON.parse(body));
    } catch {
      return body.trim().slice(0, 300) || null;
    }
  }
  if (body && typeof body === "object" && "message" in body && typeof body.message === "string")
    return body.message;
  return null;
}

export function toKubeError(endpoint: string, what: string, error: unknown): KubeError {
  if (error instanceof KubeError) return error;
  if (error instanceof ApiException) {
    const code = error.code as number;
    // Codes the generated client knows (401, 403...) come without the body: its own words then.
    const detail = statusMessage(error.body) ?? /\nMessage: (.*)\n/.exec(error.message)?.[1] ?? null;
    const text = `${what}: HTTP ${code}${detail ? ` ${detail}` : ""}`;
    if (code === 401)
      return new KubeError("REJECTED", `${text} (the token was refused: expired or wrong?)`, code);
    if (code === 403)
      return new KubeError("REJECTED", `${text} (the token's account lacks the permission)`, code);
    if (code === 404) return new KubeError("NOT_FOUND", text, code);
    if (code >= 500) return new KubeError("UNREACHABLE", `the API server failed: ${text}`, code);
    return new KubeError("REJECTED", `the API server refused ${text}`, code);
  }
  // node-fetch (under @kubernetes/client-node 1.x) throws a FetchError with the system code.
  const fetchError = error as { code?: string; type?: string; cause?: { code?: string; message?: string } };
  const reason =
    fetchError.code ?? fetchError.cause?.code ?? fetchError.cause?.message ?? (error as Error).message;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(String(reason)))
    return new KubeError(
      "UNREACHABLE",
      `the API server at ${endpoint} presents a certificate that is not trusted (${reason}); give its CA bundle`,
    );
  if (fetchError.type === "system" || fetchError.type === "request-timeout" || error instanceof TypeError)
    return new KubeError("UNREACHABLE", `the API server at ${endpoint} is unreachable (${reason})`);
  return new KubeError("BAD_RESPONSE", `${what}: ${(error as Error).message}`);
}

/** The client of a site's Kubernetes executor, with its token decrypted. */
export function kubeClientFor(executor: {
  endpoint: string | null;
  credential: string | null;
  caBundle: string | null;
}) {
  if (!executor.endpoint || !executor.credential)
    throw new KubeError("REJECTED", "the Kubernetes executor lacks its API server URL or token");
  return new KubeClient({
    endpoint: executor.endpoint,
    token: openCredential(executor.credential),
    caBundle: executor.caBundle,
  });
}

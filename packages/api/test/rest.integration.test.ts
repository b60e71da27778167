import { compileErrors, validate } from "@readme/openapi-parser";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb, testDbKinds } from "@switchyard/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TSessionUser, TTokenScope } from "../src/auth/session.ts";
import { bearerTokenOf, resolveApiToken } from "../src/auth/tokens.ts";
import { REST_EXAMPLES } from "../src/rest/examples.ts";
import { handleRestRequest, restBodyLimit } from "../src/rest/handler.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);

type TOperation = {
  operationId: string;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: { "application/json": { examples?: Record<string, { value: unknown }> } } };
};
type TCall = { status: number; body: Record<string, unknown> & { error?: TErrorBody }; headers: Headers };
type TErrorBody = {
  code: string;
  message: string;
  fieldErrors: Record<string, string[]> | null;
  requestId: string;
};

/** A spec that reads a REGULATED dataset: scheduling it waits for the dataset's steward. */
const REGULATED_SPEC = {
  name: "claims-finetune",
  kind: "FINE_TUNING",
  teamId: "team-health-ai",
  gpu: { count: 8 },
  gpuModels: ["H100"],
  estimatedHours: 6,
  datasetIds: ["dataset-claims-2025"],
  requiredCertifications: ["HIPAA"],
};
const SMALL_SPEC = {
  name: "small-eval",
  kind: "BATCH_INFERENCE",
  teamId: "team-applied-ml",
  gpu: { count: 1 },
  gpuModels: ["L4"],
  estimatedHours: 1,
};

describe.each(await testDbKinds())("REST /api/v1 [%s]", (kind) => {
  let t: TTestDb;
  const tokens: Record<string, string> = {};
  const options = () => ({
    prisma: t.db.prisma,
    baseUrl: "http://localhost:3000",
    resolveUser: async (request: Request) => {
      const token = bearerTokenOf(request.headers.get("authorization"));
      if (token) return resolveApiToken(t.db.prisma, token);
      // Stands in for the console's session cookie (the route resolves it with next-auth).
      const session = request.headers.get("x-test-session");
      return Object.values(USERS).find((u) => u.id === session) ?? null;
    },
  });

  async function call(
    method: string,
    path: string,
    init: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<TCall> {
    const token = init.token === undefined ? tokens.admin : init.token;
    const hasBody = init.body !== undefined || init.raw !== undefined;
    const response = await handleRestRequest(
      new Request(`http://localhost:3000/api/v1${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(hasBody ? { "content-type": "application/json" } : {}),
          ...init.headers,
        },
        body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
      }),
      options(),
    );
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text), headers: response.headers };
  }

  const expectError = (result: TCall, status: number, code: string) => {
    expect({ status: result.status, code: result.body.error?.code }).toEqual({ status, code });
    expect(result.body.error).toEqual({
      code,
      message: expect.any(String),
      fieldErrors: result.body.error?.fieldErrors ?? null,
      requestId: expect.any(String),
    });
    expect(result.headers.get("x-request-id")).toBe(result.body.error?.requestId);
  };

  async function tokenFor(user: TSessionUser, scopes: TTokenScope[]) {
    const caller = createCaller(createInnerContext({ prisma: t.db.prisma, user }));
    return (await caller.token.create({ name: `rest-${user.role}`, scopes })).secret;
  }

  let submissions = 0;
  async function submitPending(spec: Record<string, unknown> = SMALL_SPEC, token = tokens.admin) {
    // A team has one active workload per name: the shared specs get a number each time.
    const isShared = spec === SMALL_SPEC || spec === REGULATED_SPEC;
    const named = isShared ? { ...spec, name: `${String(spec.name)}-${++submissions}` } : spec;
    const submitted = await call("POST", "/workloads", { token, body: { spec: named } });
    expect(submitted.status).toBe(200);
    return submitted.body.id as string;
  }

  /** A dataset copy under way, as placement creates one for a workload that reads data elsewhere. */
  async function pendingTransfer() {
    const workloadId = await submitPending();
    const replica = await t.db.prisma.datasetReplica.findFirstOrThrow({ orderBy: { id: "asc" } });
    const destination = await t.db.prisma.site.findFirstOrThrow({
      where: { id: { not: replica.siteId }, replicas: { none: { datasetId: replica.datasetId } } },
      orderBy: { id: "asc" },
    });
    const transfer = await t.db.prisma.dataTransfer.create({
      data: {
        datasetId: replica.datasetId,
        workloadId,
        sourceSiteId: replica.siteId,
        destinationSiteId: destination.id,
        bytes: replica.sizeBytes,
        costUsd: "12.5",
        etaSeconds: 600,
      },
    });
    return transfer.id;
  }

  let document: { openapi: string; paths: Record<string, Record<string, TOperation>> };

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    tokens.admin = await tokenFor(USERS.admin, ["read", "write", "approve", "admin"]);
    tokens.engineer = await tokenFor(USERS.engineer, ["read", "write"]);
    tokens.steward = await tokenFor(USERS.steward, ["read", "approve"]);
    tokens.viewer = await tokenFor(USERS.viewer, ["read"]);
    tokens.agent = (
      await createCaller(createInnerContext({ prisma: t.db.prisma, user: USERS.platform })).token.createAgent(
        {
          name: "rest-agent",
          siteId: "site-dc-ashburn",
        },
      )
    ).secret;
    document = (await call("GET", "/openapi.json", { token: null })).body as never;
  });
  afterAll(() => t.cleanup());

  describe("the OpenAPI document", () => {
    it("is valid OpenAPI 3.1 to an independent validator", async () => {
      expect(document.openapi).toBe("3.1.0");
      const result = await validate(structuredClone(document) as never);
      expect(result.valid ? "" : compileErrors(result)).toBe("");
    });

    it("lists every REST procedure, with the one error shape, and an example on every body", () => {
      const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
      const procedures = Object.entries(appRouter._def.procedures)
        .filter(([, p]) => (p as unknown as { _def: { meta?: { openapi?: unknown } } })._def.meta?.openapi)
        .map(([path]) => path)
        .sort();
      expect(operations.map((o) => o.operationId.replace("-", ".")).sort()).toEqual(procedures);
      for (const operation of operations) {
        const responses = (operation as unknown as { responses: Record<string, { content?: unknown }> })
          .responses;
        for (const status of ["400", "401", "403", "404", "409", "422", "429"]) {
          expect(responses[status]?.content, `${operation.operationId} ${status}`).toEqual({
            "application/json": { schema: { $ref: "#/components/schemas/Error" } },
          });
        }
        if (operation.requestBody) {
          expect(
            operation.requestBody.content["application/json"].examples,
            `${operation.operationId} has an example`,
          ).toBeDefined();
        }
      }
    });
  });

  describe("every request example works against the demo estate", () => {
    /** The path parameters each example needs: a fresh object in the right state. */
    async function pathFor(operationId: string, path: string): Promise<string> {
      if (operationId === "approval.decide") {
        const id = await submitPending(REGULATED_SPEC, tokens.engineer);
        const scheduled = await call("POST", `/workloads/${id}/schedule`, {
          token: tokens.engineer,
          body: {},
        });
        expect(scheduled.body.state).toBe("AWAITING_APPROVAL");
        return path.replace("{id}", scheduled.body.approvalRequestId as string);
      }
      if (operationId === "dataset.update") {
        const created = await call("POST", "/datasets", {
          token: tokens.admin,
          body: { ...REST_EXAMPLES["dataset.create"]?.value, slug: "rest-example-dataset" },
        });
        expect(created.status).toBe(200);
        return path.replace("{id}", created.body.id as string);
      }
      if (operationId === "site.update") return path.replace("{id}", "site-dc-stockholm");
      if (operationId === "fairShare.updateGroup") return path.replace("{id}", "dept-ai");
      if (operationId === "fairShare.updateSiteGroup") return path.replace("{id}", "site-group-eu");
      if (
        operationId === "team.updateQuotas" ||
        operationId === "team.setBudget" ||
        operationId === "fairShare.setTeam"
      )
        return path.replace("{teamId}", "team-applied-ml");
      if (operationId.startsWith("webhook.")) {
        const admin = createCaller(createInnerContext({ prisma: t.db.prisma, user: USERS.admin }));
        const { webhook } = await admin.webhook.create({
          name: `rest-example-${operationId}`,
          url: "https://93.184.215.14/rest-example",
        });
        return path.replace("{id}", webhook.id);
      }
      if (operationId === "dataset.addReplica") {
        const dataset = await t.db.prisma.dataset.findFirstOrThrow({
          where: {
            replicas: { none: { siteId: REST_EXAMPLES[operationId]?.value.siteId as string } },
            residencyCountries: { isEmpty: true },
            residencyJurisdictions: { isEmpty: true },
          },
          orderBy: { id: "asc" },
        });
        return path.replace("{datasetId}", dataset.id);
      }
      if (operationId === "whatIf.planDrain") {
        // One READY edge node, so that the drain leaves the rest of the estate as the suite expects.
        const node = await t.db.prisma.gpuNode.findFirstOrThrow({
          where: { siteId: "site-edge-sao-paulo", status: "READY" },
          orderBy: { id: "asc" },
        });
        const scenario = await t.db.prisma.scenario.create({
          data: {
            name: "rest-example-drain",
            changes: [{ kind: "drain", nodes: { nodeIds: [node.id] } }],
            createdById: USERS.admin.id,
          },
        });
        return path.replace("{id}", scenario.id);
      }
      if (operationId.startsWith("service.") && path.includes("{id}")) {
        const admin = createCaller(createInnerContext({ prisma: t.db.prisma, user: USERS.admin }));
        const created = await admin.service.create({
          ...(REST_EXAMPLES["service.create"]?.value as Parameters<typeof admin.service.create>[0]),
          name: `rest-example-${operationId.replace(".", "-").toLowerCase()}`,
        });
        return path.replace("{id}", created.id);
      }
      if (operationId === "model.declassify") return path.replace("{id}", "dataset-defect-detector-v1");
      if (operationId === "workload.finishTransfer") return path.replace("{id}", await pendingTransfer());
      if (path.includes("{id}")) return path.replace("{id}", await submitPending());
      if (path.includes("{siteId}")) return path.replace("{siteId}", "site-dc-ashburn");
      return path;
    }

    it("sends each example and gets 200", async () => {
      const sent: string[] = [];
      for (const [path, item] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(item)) {
          const example = operation.requestBody?.content["application/json"].examples?.example;
          if (!example) continue;
          const procedure = operation.operationId.replace("-", ".");
          expect(example.value).toEqual(REST_EXAMPLES[procedure]?.value);
          // Tokens are made from a signed-in session, never with another token.
          const isSession = procedure === "token.create";
          const token = isSession
            ? null
            : procedure === "approval.decide"
              ? tokens.steward
              : procedure.startsWith("agent.")
                ? tokens.agent
                : tokens.admin;
          const result = await call(method.toUpperCase(), await pathFor(procedure, path), {
            token,
            body: example.value,
            headers: isSession ? { "x-test-session": USERS.admin.id } : {},
          });
          expect({ op: procedure, status: result.status, error: result.body.error }).toEqual({
            op: procedure,
            status: 200,
            error: undefined,
          });
          sent.push(procedure);
        }
      }
      expect(sent.sort()).toEqual(Object.keys(REST_EXAMPLES).sort());
    });
  });

  describe("resources", () => {
    it("workloads: submit, list with filters and cursor, get, decision, why-not, schedule, cancel", async () => {
      const id = await submitPending({ ...SMALL_SPEC, name: "rest-lifecycle" });
      const got = await call("GET", `/workloads/${id}`);
      expect(got.body).toMatchObject({ id, name: "rest-lifecycle", state: "PENDING" });
      expect(typeof got.body.createdAt).toBe("string");

      const decision = await call("GET", `/workloads/${id}/decision`);
      expect(decision.body).toMatchObject({ feasible: true });
      const candidates = (decision.body.candidates as { candidates: { siteId: string }[] }).candidates;
      // A decision keeps its top candidates and counts the rejected sites; a rejected site
      // is explained on demand from the current estate.
      const rejections = decision.body.rejections as { rejected: unknown[]; omitted: number };
      expect(rejections.rejected).toEqual([]);
      expect(rejections.omitted).toBeGreaterThan(0);
      const everything = await call("POST", "/placement/recommend", {
        body: { ...SMALL_SPEC, name: "rest-lifecycle", candidates: "all" },
      });
      const rejected = (everything.body.rejected as { siteId: string }[])[0]?.siteId;
      const whyNot = await call("GET", `/workloads/${id}/why-not/${rejected}`);
      expect(whyNot.body).toMatchObject({
        fits: false,
        source: "current-estate",
        explanation: expect.stringContaining("rejected"),
      });
      const whyNotTop = await call("GET", `/workloads/${id}/why-not/${candidates[0]?.siteId}`);
      expect(whyNotTop.body).toMatchObject({ fits: true, explanation: expect.stringContaining("#1") });
      expectError(await call("GET", `/workloads/${id}/why-not/site-nowhere`), 404, "NOT_FOUND");

      const filtered = await call("GET", "/workloads?state=PENDING&teamId=team-applied-ml&limit=200");
      expect((filtered.body.rows as { id: string; state: string }[]).map((r) => r.id)).toContain(id);
      expect(new Set((filtered.body.rows as { state: string }[]).map((r) => r.state))).toEqual(
        new Set(["PENDING"]),
      );

      const scheduled = await call("POST", `/workloads/${id}/schedule`, { body: {} });
      expect(scheduled.body).toMatchObject({ state: "SCHEDULED", siteId: candidates[0]?.siteId });
      const cancelled = await call("POST", `/workloads/${id}/cancel`, { body: { reason: "done testing" } });
      expect(cancelled.body).toMatchObject({ from: "SCHEDULED", to: "CANCELLED" });
      expectError(await call("POST", `/workloads/${id}/cancel`, { body: {} }), 409, "CONFLICT");
      expectError(await call("GET", "/workloads/workload-nowhere"), 404, "NOT_FOUND");
    });

    it("pages every list with limit, cursor and nextCursor", async () => {
      for (const path of [
        "/workloads",
        "/sites",
        "/nodes",
        "/datasets",
        "/teams",
        "/audit/events",
        "/approvals?view=decided",
        "/tokens?owner=all",
      ]) {
        const joiner = path.includes("?") ? "&" : "?";
        const first = await call("GET", `${path}${joiner}limit=2`);
        expect(first.status, path).toBe(200);
        const rows = first.body.rows as { id?: string; seq?: string }[];
        const total = first.body.total as number;
        expect(rows.length).toBe(Math.min(2, total));
        if (total <= 2) {
          expect(first.body.nextCursor).toBeNull();
          continue;
        }
        const second = await call("GET", `${path}${joiner}limit=2&cursor=${first.body.nextCursor}`);
        const key = (r: { id?: string; seq?: string }) => r.id ?? r.seq;
        const seen = new Set(rows.map(key));
        for (const row of second.body.rows as { id?: string; seq?: string }[])
          expect(seen.has(key(row))).toBe(false);
        // The last page says so.
        const last = await call("GET", `${path}${joiner}limit=200`);
        if ((last.body.total as number) <= 200) expect(last.body.nextCursor).toBeNull();
      }
      expectError(await call("GET", "/sites?cursor=nonsense"), 400, "VALIDATION_FAILED");
    });

    it("sites, nodes, datasets and teams: list and get", async () => {
      for (const [list, one] of [
        ["/sites", "/sites/site-dc-ashburn"],
        ["/nodes?siteId=site-dc-ashburn", "/nodes/node-dc-ashburn-h100-001"],
        ["/datasets", "/datasets/dataset-claims-2025"],
        ["/teams", "/teams/team-applied-ml"],
      ] as const) {
        expect((await call("GET", list, { token: tokens.viewer })).status, list).toBe(200);
        const got = await call("GET", one, { token: tokens.viewer });
        expect(got.status, one).toBe(200);
        expect(got.body.id).toBe(one.split("/")[2]);
        expectError(await call("GET", `${one.split("/").slice(0, 2).join("/")}/nowhere`), 404, "NOT_FOUND");
      }
      const datasets = await call("GET", "/datasets/dataset-claims-2025");
      expect(typeof datasets.body.sizeBytes).toBe("string");
    });

    it("workloads batch: a sweep with long commands in one body past the usual limit, its fields named", async () => {
      // 20 workloads with 15,000-character scripts: ~300 KB, over the 256 KiB most routes take.
      const command = `#!/bin/bash\n${"echo step\n".repeat(1_500)}`;
      const workloads = Array.from({ length: 20 }, (_, i) => ({
        spec: { ...SMALL_SPEC, name: `rest-sweep-${i}`, command },
      }));
      const saved = await call("POST", "/workloads/batch", { body: { workloads } });
      expect(saved.status).toBe(200);
      const answers = saved.body.workloads as { id: string; created: boolean }[];
      expect(answers).toHaveLength(20);
      expect(answers.every((w) => w.created)).toBe(true);
      expect(saved.body.bound).toMatch(/of optimal/);
      const stored = await t.db.prisma.workload.findUniqueOrThrow({ where: { id: answers[0]?.id } });
      expect(stored.command).toBe(command.trim());
      const bad = await call("POST", "/workloads/batch", {
        body: { workloads: [{ spec: { ...SMALL_SPEC, name: "rest-sweep-bad", gpu: { count: 0 } } }] },
      });
      expectError(bad, 400, "VALIDATION_FAILED");
      expect(bad.body.error?.fieldErrors).toHaveProperty(["workloads.0.spec.gpu.count"]);
    });

    it("placement recommend and batch recommend save nothing", async () => {
      const before = await t.db.prisma.workload.count();
      const one = await call("POST", "/placement/recommend", { body: SMALL_SPEC });
      expect(one.body).toMatchObject({ feasible: true, rejected: [], whyNot: null });
      const counts = one.body.counts as { feasible: number; rejected: number };
      expect((one.body.candidates as unknown[]).length).toBe(Math.min(10, counts.feasible));
      expect(one.body.omitted).toEqual({
        candidates: Math.max(0, counts.feasible - 10),
        rejected: counts.rejected,
      });
      const two = await call("POST", "/placement/recommend", { body: { ...SMALL_SPEC, candidates: 2 } });
      expect((two.body.candidates as unknown[]).length).toBe(2);
      for (const candidates of [0, 5_000, "most"]) {
        const bad = await call("POST", "/placement/recommend", { body: { ...SMALL_SPEC, candidates } });
        expectError(bad, 400, "VALIDATION_FAILED");
        expect(bad.body.error?.fieldErrors).toHaveProperty("candidates");
      }
      const batch = await call("POST", "/placement/batch-recommend", {
        body: { specs: [SMALL_SPEC, { ...SMALL_SPEC, gpu: { count: 64 } }] },
      });
      expect(batch.status).toBe(200);
      expect((batch.body.placements as { specIndex: number }[]).map((p) => p.specIndex)).toEqual([0]);
      expect((batch.body.unplaced as { specIndex: number }[]).map((p) => p.specIndex)).toEqual([1]);
      expect(await t.db.prisma.workload.count()).toBe(before);
      expectError(
        await call("POST", "/placement/batch-recommend", { body: { specs: [] } }),
        400,
        "VALIDATION_FAILED",
      );
    });

    it("approvals: list, get, approve and reject with the approve scope", async () => {
      const request = async () => {
        const id = await submitPending(REGULATED_SPEC, tokens.engineer);
        const scheduled = await call("POST", `/workloads/${id}/schedule`, {
          token: tokens.engineer,
          body: {},
        });
        return scheduled.body.approvalRequestId as string;
      };
      const approvalId = await request();
      const inbox = await call("GET", "/approvals?view=inbox", { token: tokens.steward });
      expect((inbox.body.rows as { id: string }[]).map((r) => r.id)).toContain(approvalId);
      expect((await call("GET", `/approvals/${approvalId}`, { token: tokens.steward })).body).toMatchObject({
        id: approvalId,
        status: "PENDING",
      });
      // read + write is not enough to decide; the requester never decides.
      const stewardNoApprove = await tokenFor(USERS.steward, ["read", "write"]);
      expectError(
        await call("POST", `/approvals/${approvalId}/decision`, {
          token: stewardNoApprove,
          body: { verdict: "APPROVE" },
        }),
        403,
        "FORBIDDEN",
      );
      const rejectWithout = await call("POST", `/approvals/${approvalId}/decision`, {
        token: tokens.steward,
        body: { verdict: "REJECT" },
      });
      expectError(rejectWithout, 400, "VALIDATION_FAILED");
      expect(rejectWithout.body.error?.fieldErrors).toHaveProperty("comment");
      const rejected = await call("POST", `/approvals/${approvalId}/decision`, {
        token: tokens.steward,
        body: { verdict: "REJECT", comment: "Not with production claims." },
      });
      expect(rejected.body.error).toBeUndefined();
      expect(
        (await t.db.prisma.approvalRequest.findUniqueOrThrow({ where: { id: approvalId } })).status,
      ).toBe("REJECTED");
    });

    it("policies: list and get with history", async () => {
      const listed = await call("GET", "/policies?limit=2", { token: tokens.viewer });
      expect(listed.status).toBe(200);
      const page = listed.body as unknown as { rows: { key: string }[]; nextCursor: string };
      const next = await call("GET", `/policies?limit=2&cursor=${page.nextCursor}`, { token: tokens.viewer });
      const keys = [...page.rows, ...(next.body.rows as { key: string }[])].map((p) => p.key);
      expect(keys).toContain("spend-over-25k");
      expect(new Set(keys).size).toBe(4);
      const one = await call("GET", "/policies/spend-over-25k", { token: tokens.viewer });
      expect(one.body).toMatchObject({ key: "spend-over-25k", versions: [{ version: 1, changes: null }] });
      expectError(await call("GET", "/policies/rule-nowhere"), 404, "NOT_FOUND");
      const badKey = await call("GET", "/policies/NOT_A_KEY");
      expectError(badKey, 400, "VALIDATION_FAILED");
      expect(badKey.body.error?.fieldErrors).toHaveProperty("key");
    });

    it("evidence export: the workload's record for whoever may see it", async () => {
      const id = await submitPending({ ...SMALL_SPEC, name: "rest-evidence" });
      const evidence = await call("GET", `/workloads/${id}/evidence`, { token: tokens.engineer });
      expect(evidence.body).toMatchObject({ workload: { id, name: "rest-evidence" } });
      expect(typeof evidence.body.generatedAt).toBe("string");
      const foreign = await t.db.prisma.workload.findFirstOrThrow({
        where: { teamId: "team-foundation-models" },
      });
      expectError(
        await call("GET", `/workloads/${foreign.id}/evidence`, { token: tokens.engineer }),
        404,
        "NOT_FOUND",
      );
    });

    it("webhooks: create, list, change, send a test, rotate, deliveries, delete; admins only", async () => {
      const created = await call("POST", "/webhooks", {
        body: { name: "rest-hooks", url: "https://93.184.215.14/rest-hooks" },
      });
      expect(created.status).toBe(200);
      expect(created.body.secret).toEqual(expect.any(String));
      const id = (created.body.webhook as { id: string }).id;
      const listed = await call("GET", "/webhooks");
      expect((listed.body.rows as { id: string }[]).map((w) => w.id)).toContain(id);
      expect(JSON.stringify(listed.body)).not.toContain(created.body.secret as string);
      expect((await call("PATCH", `/webhooks/${id}`, { body: { enabled: false } })).body).toMatchObject({
        id,
        enabled: false,
      });
      expectError(await call("POST", `/webhooks/${id}/test`, { body: {} }), 409, "CONFLICT");
      await call("PATCH", `/webhooks/${id}`, { body: { enabled: true } });
      const test = await call("POST", `/webhooks/${id}/test`, { body: {} });
      expect(test.body.deliveryId).toEqual(expect.any(String));
      const deliveries = await call("GET", `/webhook-deliveries?webhookId=${id}`);
      expect((deliveries.body.rows as { id: string }[]).map((d) => d.id)).toEqual([test.body.deliveryId]);
      const rotated = await call("POST", `/webhooks/${id}/rotate-secret`, { body: {} });
      expect(rotated.body.secret).not.toBe(created.body.secret);
      const privateUrl = await call("PATCH", `/webhooks/${id}`, { body: { url: "http://10.0.0.1/hook" } });
      expect(privateUrl.status).toBeGreaterThanOrEqual(400);
      expect(privateUrl.status).toBeLessThan(500);
      expect(privateUrl.body.error?.fieldErrors).toHaveProperty("url");
      // An engineer's write token is not an admin's: webhooks hold signing secrets.
      expectError(await call("GET", "/webhooks", { token: tokens.engineer }), 403, "FORBIDDEN");
      expect((await call("DELETE", `/webhooks/${id}`)).body).toEqual({ id });
      expectError(await call("DELETE", `/webhooks/${id}`), 404, "NOT_FOUND");
    });

    it("dataset replicas: add and remove; team quotas: get", async () => {
      const dataset = await t.db.prisma.dataset.create({
        data: {
          slug: "rest-replicas",
          name: "REST replicas",
          sizeBytes: 1_000_000n,
          classification: "PUBLIC",
          regulations: [],
          residencyCountries: [],
          residencyJurisdictions: [],
          ownerTeamId: "team-applied-ml",
          replicas: { create: { siteId: "site-aws-us-east-1", sizeBytes: 1_000_000n } },
        },
      });
      const added = await call("POST", `/datasets/${dataset.id}/replicas`, {
        body: { siteId: "site-dc-ashburn" },
      });
      expect(added.body).toMatchObject({
        status: "REGISTERED",
        datasetId: dataset.id,
        siteId: "site-dc-ashburn",
      });
      expectError(
        await call("POST", `/datasets/${dataset.id}/replicas`, { body: { siteId: "site-nowhere" } }),
        404,
        "NOT_FOUND",
      );
      const removed = await call("DELETE", `/datasets/${dataset.id}/replicas/site-dc-ashburn`);
      expect(removed.body).toEqual({ datasetId: dataset.id, siteId: "site-dc-ashburn" });
      expectError(await call("DELETE", `/datasets/${dataset.id}/replicas/site-dc-ashburn`), 404, "NOT_FOUND");
      expectError(
        await call("POST", `/datasets/${dataset.id}/replicas`, {
          token: tokens.engineer,
          body: { siteId: "site-dc-ashburn" },
        }),
        403,
        "FORBIDDEN",
      );

      const quotas = await call("GET", "/teams/team-applied-ml/quotas", { token: tokens.viewer });
      expect(quotas.body.teamId).toBe("team-applied-ml");
      const team = await t.db.prisma.quota.findMany({ where: { teamId: "team-applied-ml" } });
      expect((quotas.body.quotas as { gpuModel: string }[]).map((q) => q.gpuModel).sort()).toEqual(
        team.map((q) => q.gpuModel).sort(),
      );
      expectError(await call("GET", "/teams/team-nowhere/quotas"), 404, "NOT_FOUND");
    });

    it("workload transfers: list and finish", async () => {
      const transferId = await pendingTransfer();
      const { workloadId } = await t.db.prisma.dataTransfer.findUniqueOrThrow({ where: { id: transferId } });
      const listed = await call("GET", `/workloads/${workloadId}/transfers`, { token: tokens.viewer });
      const { rows, nextCursor } = listed.body as unknown as {
        rows: { id: string; status: string; bytes: unknown }[];
        nextCursor: string | null;
      };
      expect(rows.map((r) => [r.id, r.status])).toEqual([[transferId, "PENDING"]]);
      expect(nextCursor).toBeNull();
      expect(typeof rows[0]?.bytes).toBe("string");
      expectError(
        await call("POST", `/transfers/${transferId}/finish`, {
          token: tokens.engineer,
          body: { outcome: "COMPLETED" },
        }),
        403,
        "FORBIDDEN",
      );
      const finished = await call("POST", `/transfers/${transferId}/finish`, {
        body: { outcome: "COMPLETED" },
      });
      expect(finished.body).toEqual({ id: transferId, status: "COMPLETED", workloadId });
      expectError(
        await call("POST", `/transfers/${transferId}/finish`, { body: { outcome: "COMPLETED" } }),
        409,
        "CONFLICT",
      );
      expectError(
        await call("POST", "/transfers/transfer-nowhere/finish", { body: { outcome: "FAILED" } }),
        404,
        "NOT_FOUND",
      );
    });

    it("audit: list and verify; tokens: list, create from a session only, revoke", async () => {
      expect((await call("POST", "/audit/verify", { body: {} })).body).toMatchObject({ ok: true });
      expectError(await call("GET", "/audit/events", { token: tokens.viewer }), 403, "FORBIDDEN");
      const listed = await call("GET", "/tokens");
      expect((listed.body.rows as { prefix: string }[]).every((row) => row.prefix.startsWith("sy_"))).toBe(
        true,
      );
      const created = await call("POST", "/tokens", { body: { name: "from-token", scopes: ["read"] } });
      expectError(created, 403, "FORBIDDEN");
      const mine = await tokenFor(USERS.viewer, ["read", "write"]);
      const id = (
        await t.db.prisma.apiToken.findFirstOrThrow({
          where: { userId: USERS.viewer.id },
          orderBy: { createdAt: "desc" },
        })
      ).id;
      expect((await call("DELETE", `/tokens/${id}`, { token: mine })).body).toMatchObject({
        status: "REVOKED",
      });
      expectError(await call("GET", "/me", { token: mine }), 401, "UNAUTHORIZED");
      expect((await call("GET", "/me", { token: tokens.engineer })).body).toMatchObject({
        email: USERS.engineer.email,
        token: { scopes: ["read", "write"] },
      });
    });
  });

  describe("HTTP errors: one shape, the right status, never a 5xx", () => {
    it("401 without or with a bad token, 403 for a missing scope or role", async () => {
      const anonymous = await call("GET", "/workloads", { token: null });
      expectError(anonymous, 401, "UNAUTHORIZED");
      const bad = await call("GET", "/workloads", { token: `sy_${"x".repeat(43)}` });
      expectError(bad, 401, "UNAUTHORIZED");
      expect(bad.headers.get("www-authenticate")).toContain("Bearer");
      expectError(
        await call("GET", "/workloads", { token: null, headers: { authorization: "Basic abc" } }),
        401,
        "UNAUTHORIZED",
      );
      expectError(
        await call("POST", "/workloads", { token: tokens.viewer, body: { spec: SMALL_SPEC } }),
        403,
        "FORBIDDEN",
      );
      // A viewer's write token: the role still decides.
      const viewerWrite = await tokenFor(USERS.viewer, ["read", "write"]);
      expectError(
        await call("POST", "/workloads", { token: viewerWrite, body: { spec: SMALL_SPEC } }),
        403,
        "FORBIDDEN",
      );
    });

    it("422 for a broken domain rule, 409 for no feasible site, 404/405 for unknown routes and methods", async () => {
      const id = await submitPending();
      const overridden = await call("POST", `/workloads/${id}/schedule`, {
        body: { override: { siteId: "site-nowhere", reason: "the team sits next to it" } },
      });
      expectError(overridden, 422, "INVALID_REQUEST");
      expect(overridden.body.error?.fieldErrors).toHaveProperty(["override.siteId"]);
      // A decision that found no site is no fault of the request: 409, and it stays pending.
      const nowhere = await submitPending({
        ...SMALL_SPEC,
        name: "rest-nowhere",
        gpu: { nodes: 500, gpusPerNode: 8 },
      });
      expect((await call("GET", `/workloads/${nowhere}/decision`)).body).toMatchObject({ feasible: false });
      const refused = await call("POST", `/workloads/${nowhere}/schedule`, { body: {} });
      expectError(refused, 409, "NO_FEASIBLE_PLACEMENT");
      expect(refused.body.error?.message).toContain("stays pending");
      expect((await call("GET", `/workloads/${nowhere}`)).body).toMatchObject({ state: "PENDING" });
      expectError(await call("GET", "/nothing-here"), 404, "NOT_FOUND");
      const wrongMethod = await call("PUT", "/workloads", { body: {} });
      expectError(wrongMethod, 405, "METHOD_NOT_ALLOWED");
      expect(wrongMethod.headers.get("allow")).toBe("GET, POST");
    });

    it("answers malformed JSON, wrong types, unknown fields and oversize bodies on every route with a body", async () => {
      const withBody = Object.entries(document.paths).flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([, op]) => op.requestBody)
          .map(([method]) => ({
            method: method.toUpperCase(),
            path: path.replace(/\{\w+\}/g, "anything"),
            limit: restBodyLimit(method.toUpperCase(), path),
          })),
      );
      expect(withBody.length).toBeGreaterThanOrEqual(8);
      for (const { method, path, limit } of withBody) {
        const malformed = await call(method, path, { raw: '{"spec": ' });
        expectError(malformed, 400, "MALFORMED_JSON");
        const unknown = await call(method, path, { body: { definitelyNotAField: 1 } });
        expectError(unknown, 400, "UNKNOWN_FIELD");
        expect(unknown.body.error?.fieldErrors).toHaveProperty("definitelyNotAField");
        const oversize = await call(method, path, {
          raw: JSON.stringify({
            pad: "x".repeat(limit),
          }),
        });
        expectError(oversize, 413, "PAYLOAD_TOO_LARGE");
        const notJson = await call(method, path, { raw: "a=b", headers: { "content-type": "text/plain" } });
        expectError(notJson, 415, "UNSUPPORTED_MEDIA_TYPE");
        const array = await call(method, path, { raw: "[1]" });
        expectError(array, 400, "MALFORMED_JSON");
      }
      // An action with nothing to send may come with no body and no Content-Type (curl -X
      // POST); an empty form post, which a page on another site can make, is still refused.
      expectError(await call("POST", "/workloads/workload-nowhere/place"), 404, "NOT_FOUND");
      const emptyForm = await call("POST", "/workloads/workload-nowhere/place", {
        raw: "",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expectError(emptyForm, 415, "UNSUPPORTED_MEDIA_TYPE");
      // Inside a union, a field is judged by the option the value is: gpu { count } has no typo.
      const unionUnknown = await call("POST", "/workloads", {
        body: { spec: { ...SMALL_SPEC, gpu: { count: 1, typo: 2 } } },
      });
      expectError(unionUnknown, 400, "UNKNOWN_FIELD");
      expect(unionUnknown.body.error?.fieldErrors).toHaveProperty(["spec.gpu.typo"]);
      // Wrong types name the field, nested ones by their dotted path.
      const wrong = await call("POST", "/workloads", {
        body: { spec: { ...SMALL_SPEC, estimatedHours: "soon", gpu: { count: 1 } }, asDraft: "yes" },
      });
      expectError(wrong, 400, "VALIDATION_FAILED");
      expect(Object.keys(wrong.body.error?.fieldErrors ?? {}).sort()).toEqual([
        "asDraft",
        "spec.estimatedHours",
      ]);
      const nestedUnknown = await call("POST", "/workloads", {
        body: { spec: { ...SMALL_SPEC, colour: "blue" } },
      });
      expectError(nestedUnknown, 400, "UNKNOWN_FIELD");
      expect(nestedUnknown.body.error?.fieldErrors).toHaveProperty(["spec.colour"]);
      // Query strings too.
      const badQuery = await call("GET", "/workloads?stat=PENDING");
      expectError(badQuery, 400, "UNKNOWN_FIELD");
      expectError(await call("GET", "/workloads?limit=lots"), 400, "VALIDATION_FAILED");
      expectError(await call("GET", "/workloads?state=SLEEPING"), 400, "VALIDATION_FAILED");
      // A key that takes one value, given twice: named, and said so (not "Enter a number").
      const twice = await call("GET", "/workloads?limit=5&limit=7");
      expectError(twice, 400, "VALIDATION_FAILED");
      expect(twice.body.error?.fieldErrors).toEqual({ limit: ["Given 2 times in the query; give it once"] });
    });
  });
});

import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getOpenApiDocument } from "../src/rest/document.ts";
import { REST_EXAMPLES } from "../src/rest/examples.ts";
import { handleRestRequest, restBodyLimit } from "../src/rest/handler.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { restOptions } from "./authorization/rest.ts";
import { USERS } from "./helpers.ts";

/**
 * Bad input on every /api/v1 route, through the real handler, as an admin whose token has
 * every scope (so validation, not authorisation, answers): malformed JSON, wrong types at
 * every field the document lists (body fields one level deep, query parameters), unknown
 * fields, oversize bodies and query values, bad path ids. Every answer must be a 4xx with the
 * one error body; a validation error names the field at fault. Path parameters not under
 * test are real objects, so a body is validated rather than stopped at "no such workload".
 */
type TJson = Record<string, unknown>;
type TSchema = TJson & { type?: string | string[]; properties?: Record<string, TSchema> };
type TParameter = { name: string; in: "path" | "query"; schema: TSchema };
type TOperation = {
  operationId: string;
  parameters?: TParameter[];
  requestBody?: { content: { "application/json": { schema: TSchema } } };
};
type TRoute = { method: string; path: string; operation: TOperation; procedure: string };
type TCase = {
  route: TRoute;
  kind: string;
  label: string;
  /** The request, built against the database's real ids. */
  url: (ids: (route: TRoute, param: string) => string) => string;
  body?: string;
  contentType?: string;
  /** The field the error must name; null: any 4xx with the error shape. */
  field?: string | null;
  /** The error codes that fit this case. */
  codes?: string[];
};

const document = getOpenApiDocument("http://localhost");
const ROUTES: TRoute[] = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
  Object.entries(item as Record<string, TOperation>).map(([method, operation]) => ({
    method: method.toUpperCase(),
    path,
    operation,
    procedure: operation.operationId.replace("-", "."),
  })),
);

const hasBody = (route: TRoute) =>
  route.method === "POST" || route.method === "PATCH" || route.method === "PUT";

/** Values of the wrong JSON type for a field of this schema; none for fields that take anything. */
function wrongValues(schema: TSchema): unknown[] {
  const types = new Set(
    [schema.type, ...((schema.anyOf as TSchema[] | undefined) ?? []).map((s) => s.type)]
      .flat()
      .filter(Boolean) as string[],
  );
  if (Array.isArray(schema.enum)) return ["NOT_A_VALUE", 7];
  if (types.size === 0) return [];
  const out: unknown[] = [];
  if (!types.has("string")) out.push("text");
  if (!types.has("number") && !types.has("integer")) out.push(12345);
  if (!types.has("boolean")) out.push(true);
  if (!types.has("array") && !types.has("object")) out.push({ nested: 1 });
  if (!types.has("array") && types.has("object")) out.push(["item"]);
  return out.slice(0, 3);
}

/** Query parameter values that cannot be valid for the parameter's schema. */
function wrongQueryValues(schema: TSchema): string[] {
  if (Array.isArray(schema.enum)) return ["NOT_A_VALUE"];
  const inner = (schema.items as TSchema | undefined) ?? schema;
  if (Array.isArray(inner.enum)) return ["NOT_A_VALUE"];
  if (schema.type === "integer" || schema.type === "number") return ["lots", "1e999", "-0.5x"];
  if (schema.type === "boolean") return ["maybe"];
  return [];
}

const BAD_IDS = [
  "does-not-exist-0000",
  "%00",
  "x".repeat(5_000),
  "..%2F..%2Fadmin",
  "%E2%80%AE",
  "'%20OR%201%3D1--",
  "%",
  "%F0%9F%9A%80",
  "%7B%22%24ne%22%3A1%7D",
];

const MALFORMED = ['{"spec": ', "{", "nul", '{"a": 1,}', "\u0000", "'single'", "[1]", '"text"', "42", "null"];

function pathWith(route: TRoute, ids: (route: TRoute, param: string) => string, bad?: [string, string]) {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    bad && bad[0] === name ? bad[1] : encodeURIComponent(ids(route, name)),
  );
}

function baseBody(route: TRoute): TJson {
  return structuredClone(REST_EXAMPLES[route.procedure]?.value ?? {}) as TJson;
}

/** Every bad request for every route. */
function casesFor(route: TRoute): TCase[] {
  const cases: TCase[] = [];
  const url =
    (query = "") =>
    (ids: (route: TRoute, param: string) => string) =>
      `${pathWith(route, ids)}${query}`;
  const pathParams = (route.operation.parameters ?? []).filter((p) => p.in === "path");
  const queryParams = (route.operation.parameters ?? []).filter((p) => p.in === "query");

  for (const [name] of pathParams.map((p) => [p.name])) {
    for (const bad of BAD_IDS) {
      cases.push({
        route,
        kind: "bad path id",
        label: `${name}=${bad.slice(0, 24)}`,
        url: (ids) => pathWith(route, ids, [name as string, bad]),
        body: hasBody(route) ? JSON.stringify(baseBody(route)) : undefined,
      });
    }
  }

  if (hasBody(route)) {
    for (const raw of MALFORMED)
      cases.push({
        route,
        kind: "malformed JSON",
        label: JSON.stringify(raw),
        url: url(),
        body: raw,
        codes: ["MALFORMED_JSON"],
      });
    cases.push({
      route,
      kind: "not JSON",
      label: "text/plain",
      url: url(),
      body: "a=b",
      contentType: "text/plain",
      codes: ["UNSUPPORTED_MEDIA_TYPE"],
    });
    const limit = restBodyLimit(route.method, route.path);
    cases.push({
      route,
      kind: "oversize body",
      label: `${limit + 1} bytes`,
      url: url(),
      body: JSON.stringify({ ...baseBody(route), pad: "x".repeat(limit) }),
      codes: ["PAYLOAD_TOO_LARGE"],
    });
    cases.push({
      route,
      kind: "unknown field",
      label: "zzUnknown",
      url: url(),
      body: JSON.stringify({ ...baseBody(route), zzUnknown: 1 }),
      field: "zzUnknown",
      codes: ["UNKNOWN_FIELD"],
    });
    const schema = route.operation.requestBody?.content["application/json"].schema;
    for (const [field, fieldSchema] of Object.entries(schema?.properties ?? {})) {
      const nested = Object.entries(fieldSchema.properties ?? {}).map(
        ([child, childSchema]) => [`${field}.${child}`, childSchema] as const,
      );
      for (const [path, target] of [[field, fieldSchema] as const, ...nested]) {
        for (const value of wrongValues(target)) {
          const body = baseBody(route);
          const [head, tail] = path.split(".") as [string, string | undefined];
          if (tail) body[head] = { ...((body[head] as TJson | undefined) ?? {}), [tail]: value };
          else body[head] = value;
          cases.push({
            route,
            kind: "wrong type",
            label: `${path}=${JSON.stringify(value)}`,
            url: url(),
            body: JSON.stringify(body),
            field: path,
            codes: ["VALIDATION_FAILED"],
          });
        }
      }
    }
  } else {
    cases.push({
      route,
      kind: "unknown field",
      label: "?zzUnknown=1",
      url: url("?zzUnknown=1"),
      field: "zzUnknown",
      codes: ["UNKNOWN_FIELD"],
    });
    for (const parameter of queryParams) {
      for (const value of wrongQueryValues(parameter.schema))
        cases.push({
          route,
          kind: "wrong type",
          label: `?${parameter.name}=${value}`,
          url: url(`?${parameter.name}=${encodeURIComponent(value)}`),
          field: parameter.name,
          codes: ["VALIDATION_FAILED"],
        });
      cases.push({
        route,
        kind: "oversize query value",
        label: `?${parameter.name}=300 KB`,
        url: url(`?${parameter.name}=${"x".repeat(300_000)}`),
      });
    }
  }
  return cases;
}

const CASES = ROUTES.flatMap(casesFor);

describeEachDb("REST fuzz: bad input on every /api/v1 route", (kind) => {
  let t: TTestDb;
  let token: string;
  /** Agent routes take an agent token (of the site whose node the examples register). */
  let agentToken: string;
  let real: Record<string, string>;
  const tally = new Map<string, Map<number, number>>();

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    const admin = createCallerFactory(appRouter)(
      createInnerContext({ prisma: t.db.prisma, user: USERS.admin }),
    );
    const created = await admin.token.create({
      name: "rest-fuzz",
      scopes: ["read", "write", "approve", "admin"],
    });
    token = created.secret;
    const platform = createCallerFactory(appRouter)(
      createInnerContext({ prisma: t.db.prisma, user: USERS.platform }),
    );
    agentToken = (await platform.token.createAgent({ name: "rest-fuzz-agent", siteId: "site-dc-ashburn" }))
      .secret;
    const { webhook } = await admin.webhook.create({ name: "rest-fuzz", url: "https://93.184.215.14/fuzz" });
    const { deliveryId } = await admin.webhook.sendTest({ id: webhook.id });
    const p = t.db.prisma;
    const replica = await p.datasetReplica.findFirstOrThrow({ orderBy: { id: "asc" } });
    const workload = await p.workload.findFirstOrThrow({
      where: { state: "PENDING" },
      orderBy: { id: "asc" },
    });
    const transfer = await p.dataTransfer.create({
      data: {
        datasetId: replica.datasetId,
        workloadId: workload.id,
        sourceSiteId: replica.siteId,
        destinationSiteId: (await p.site.findFirstOrThrow({ where: { id: { not: replica.siteId } } })).id,
        bytes: replica.sizeBytes,
        costUsd: "1",
        etaSeconds: 60,
      },
    });
    real = {
      workloads: workload.id,
      approvals: (await p.approvalRequest.findFirstOrThrow({ orderBy: { id: "asc" } })).id,
      sites: replica.siteId,
      siteId: replica.siteId,
      nodes: (await p.gpuNode.findFirstOrThrow({ orderBy: { id: "asc" } })).id,
      datasets: replica.datasetId,
      datasetId: replica.datasetId,
      teams: "team-applied-ml",
      policies: "spend-over-25k",
      key: "spend-over-25k",
      tokens: created.token.id,
      webhooks: webhook.id,
      "webhook-deliveries": deliveryId,
      transfers: transfer.id,
      models: "dataset-defect-detector-v1",
      services: (
        await p.service.create({
          data: {
            name: "rest-fuzz",
            teamId: "team-vision-edge",
            modelId: "dataset-defect-detector-v1",
            gpuCount: 1,
            replicaCapacityRps: 80,
            maxReplicas: 4,
            createdById: USERS.admin.id,
            regions: { create: [{ region: "eu-central", demandRps: 50, maxLatencyMs: 40 }] },
          },
        })
      ).id,
      "fair-share": "dept-ai",
      "what-if": (
        await p.scenario.create({
          data: {
            name: "rest-fuzz",
            changes: [{ kind: "price", siteId: "site-dc-ashburn", gpuModel: "H100", usdPerGpuHour: 2.5 }],
            createdById: USERS.admin.id,
          },
        })
      ).id,
      "saved-views": (
        await admin.savedView.save({ table: "nodes", name: "rest-fuzz", query: "status=DRAINING" })
      ).id,
    };
  });
  afterAll(async () => {
    const lines = [...tally.entries()].map(
      ([k, statuses]) =>
        `${k}: ${[...statuses.entries()]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}×${n}`)
          .join(" ")}`,
    );
    const sent = [...tally.values()].flatMap((m) => [...m.values()]).reduce((a, b) => a + b, 0);
    const fivexx = [...tally.values()]
      .flatMap((m) => [...m.entries()])
      .filter(([s]) => s >= 500)
      .reduce((a, [, n]) => a + n, 0);
    console.log(
      `REST fuzz [${kind}]: ${ROUTES.length} routes, ${sent} bad requests, ${fivexx} answered 5xx\n  ${lines.join("\n  ")}`,
    );
    await t.cleanup();
  });

  /** A real object for a path parameter: by its name (siteId, datasetId, key) or its resource. */
  const ids = (route: TRoute, param: string) => {
    const value = real[param] ?? real[route.path.split("/")[1] ?? ""];
    if (!value) throw new Error(`no real id for ${param} in ${route.path}`);
    return value;
  };

  it("covers every route of the document with every class that applies", () => {
    expect(ROUTES.length).toBeGreaterThanOrEqual(40);
    const routesWith = (k: string) => new Set(CASES.filter((c) => c.kind === k).map((c) => c.route));
    expect(routesWith("unknown field").size).toBe(ROUTES.length);
    expect(routesWith("malformed JSON").size).toBe(ROUTES.filter(hasBody).length);
    expect(routesWith("bad path id").size).toBe(ROUTES.filter((r) => r.path.includes("{")).length);
    expect(routesWith("wrong type").size).toBeGreaterThanOrEqual(20);
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s: every bad request is a 4xx with the one error body, naming the field",
    async (_name, route) => {
      const problems: string[] = [];
      for (const c of CASES.filter((x) => x.route === route)) {
        const response = await handleRestRequest(
          new Request(`http://localhost/api/v1${c.url(ids)}`, {
            method: route.method,
            headers: {
              authorization: `Bearer ${route.procedure.startsWith("agent.") ? agentToken : token}`,
              ...(c.body !== undefined ? { "content-type": c.contentType ?? "application/json" } : {}),
            },
            body: c.body,
          }),
          restOptions(t.db.prisma),
        );
        const key = `${c.kind}`;
        const counts = tally.get(key) ?? new Map<number, number>();
        counts.set(response.status, (counts.get(response.status) ?? 0) + 1);
        tally.set(key, counts);
        const where = `${c.kind} (${c.label})`;
        const text = await response.text();
        if (response.status < 400 || response.status >= 500) {
          problems.push(`${where}: HTTP ${response.status} ${text.slice(0, 200)}`);
          continue;
        }
        let error: { code?: unknown; message?: unknown; fieldErrors?: unknown; requestId?: unknown };
        try {
          error = (JSON.parse(text) as { error: typeof error }).error;
        } catch {
          problems.push(`${where}: not JSON: ${text.slice(0, 200)}`);
          continue;
        }
        const fieldErrors = error?.fieldErrors as Record<string, string[]> | null | undefined;
        if (
          typeof error?.code !== "string" ||
          typeof error.message !== "string" ||
          error.message === "" ||
          fieldErrors === undefined ||
          (fieldErrors !== null && typeof fieldErrors !== "object") ||
          typeof error.requestId !== "string" ||
          error.requestId !== response.headers.get("x-request-id") ||
          Object.keys(error).sort().join() !== "code,fieldErrors,message,requestId"
        ) {
          problems.push(`${where}: not the one error body: ${text.slice(0, 200)}`);
          continue;
        }
        if (c.codes && !c.codes.includes(error.code)) {
          problems.push(`${where}: ${response.status} ${error.code}, expected ${c.codes.join("/")}`);
          continue;
        }
        const named = Object.keys(fieldErrors ?? {});
        if (c.field && !named.some((f) => f === c.field || f.startsWith(`${c.field}.`)))
          problems.push(`${where}: does not name ${c.field}: ${named.join(", ") || "no field"}`);
        if (response.status === 400 && error.code === "VALIDATION_FAILED" && named.length === 0)
          problems.push(`${where}: a validation error that names no field: ${error.message}`);
      }
      expect(problems).toEqual([]);
    },
    120_000,
  );
});

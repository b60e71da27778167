import { generateOpenApiDocument, type OpenAPIObject } from "trpc-to-openapi";
import { appRouter } from "../root.ts";
import { ETAG_READS, ETAG_WRITES } from "./etag-routes.ts";
import { REST_EXAMPLES } from "./examples.ts";

type TOperation = {
  operationId?: string;
  parameters?: unknown[];
  requestBody?: { content?: Record<string, { schema?: unknown; examples?: unknown }> };
  responses?: Record<string, unknown>;
  security?: unknown;
};

const ERROR_RESPONSES: Record<string, string> = {
  "400": "Malformed JSON, a wrong type, a missing or unknown field: `fieldErrors` names each field",
  "401": "No valid token or session (missing, unknown, expired, revoked, or its owner is disabled)",
  "403": "The token lacks the scope, or the owner's role or teams do not allow it",
  "404": "No such object, or not visible to you",
  "409":
    "The object's state does not allow it (an illegal transition, capacity taken meanwhile, nothing fits), or a request with the same Idempotency-Key is still in flight (IDEMPOTENCY_KEY_IN_USE: retry after Retry-After)",
  "413": "The body is larger than 256 KiB",
  "415": "The body is not application/json",
  "422":
    "Valid JSON that breaks a domain rule (e.g. a team you are not in), or an Idempotency-Key already used with another request (IDEMPOTENCY_KEY_REUSED)",
  "429": "Over the rate limit of these credentials (TOO_MANY_REQUESTS): wait Retry-After seconds",
  "500": "A server fault; quote the requestId",
};

const ERROR_SCHEMA = {
  type: "object",
  description: "Every error of /api/v1 has this one shape.",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "fieldErrors", "requestId"],
      properties: {
        code: {
          type: "string",
          description:
            "Machine-readable: VALIDATION_FAILED, UNKNOWN_FIELD, MALFORMED_JSON, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, CAPACITY_EXCEEDED, NO_FEASIBLE_PLACEMENT, INVALID_REQUEST, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, METHOD_NOT_ALLOWED, TOO_MANY_REQUESTS, INTERNAL",
        },
        message: { type: "string", description: "For people: what went wrong and what to do" },
        fieldErrors: {
          type: ["object", "null"],
          additionalProperties: { type: "array", items: { type: "string" } },
          description:
            "Messages per input field (dotted path, e.g. spec.gpu.count); null when no field is at fault",
        },
        requestId: {
          type: "string",
          description: "Also in the X-Request-Id header; quote it in support requests",
        },
      },
    },
  },
  example: {
    error: {
      code: "VALIDATION_FAILED",
      message: "Invalid request: spec.estimatedHours: Must be more than 0 hours",
      fieldErrors: { "spec.estimatedHours": ["Must be more than 0 hours"] },
      requestId: "4f9c2d7e-0b1a-4c3e-9a51-1f0e6d2b8c44",
    },
  },
};

const DESCRIPTION = `The Switchyard REST API: the same procedures, validation and authorisation as the console.

**Authentication.** Send \`Authorization: Bearer <token>\` with an API token (Settings → API tokens, or \`POST /api/v1/tokens\` from a signed-in session). A token acts as its owner as they are now (role and teams), narrowed to its scopes: \`read\` for GET, \`write\` for changes, \`approve\` for approval decisions, \`admin\` for admin-only operations; a team-restricted token sees and changes only that team's work.

**Errors** all have one shape (see \`Error\`), with \`fieldErrors\` naming each field at fault.

**Idempotency.** Send \`Idempotency-Key\` (1–255 letters, digits and \`. _ ~ : + / = -\`, e.g. a UUID) on any POST to make a retry safe: the same key with the same method, path and body, from the same token (or session), returns the first answer again, with \`Idempotent-Replayed: true\`, for 24 hours, on every replica. The same key with another request is 422 (\`IDEMPOTENCY_KEY_REUSED\`); while the first request is still running, a second one waits up to 10 s for its answer, then gets 409 (\`IDEMPOTENCY_KEY_IN_USE\`, \`Retry-After: 1\`). Answers with a 5xx are not kept.

**Rate limits.** Each token (or signed-in session) may send \`RateLimit-Limit\` requests per window (600 per 60 s unless the server says otherwise), counted in the database, so the limit holds across replicas. Every answer carries \`RateLimit-Limit\`, \`RateLimit-Remaining\` and \`RateLimit-Reset\` (seconds until the window ends); over the limit the answer is 429 with \`Retry-After\`.

**Optimistic concurrency.** \`GET\` of a site, node, dataset or team answers a strong \`ETag\` (the object's version) and 304 to a matching \`If-None-Match\`. \`PUT /sites/{id}\`, \`PUT /teams/{teamId}/quotas\` and \`POST /nodes/cordon|drain|uncordon\` (with one id) take it back in \`If-Match\`: when the object changed since, the answer is 412 (\`PRECONDITION_FAILED\`) and nothing is written; the check runs in the write's own transaction. A successful write answers the new \`ETag\`.

**Lists** take \`limit\` (1–200) and \`cursor\`, and answer \`nextCursor\` (null on the last page).

**Numbers.** 64-bit integers (byte counts, audit sequence numbers) are decimal strings; times are ISO 8601 in UTC.`;

const HEADERS = {
  "RateLimit-Limit": {
    description: "Requests these credentials may send per window",
    schema: { type: "integer" },
  },
  "RateLimit-Remaining": {
    description: "Requests left in the current window",
    schema: { type: "integer" },
  },
  "RateLimit-Reset": {
    description: "Seconds until the current window ends",
    schema: { type: "integer" },
  },
  "Retry-After": { description: "Seconds to wait before trying again", schema: { type: "integer" } },
  ETag: {
    description: "Strong entity tag of the object's version; send it back in If-Match to update it",
    schema: { type: "string", examples: ['"mipzq1k0"'] },
  },
  "Idempotent-Replayed": {
    description:
      "true when this is the stored first answer to an earlier request with the same Idempotency-Key",
    schema: { type: "string", enum: ["true"] },
  },
};

const RATE_LIMIT_HEADERS = Object.fromEntries(
  ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"].map((name) => [
    name,
    { $ref: `#/components/headers/${name}` },
  ]),
);

const PARAMETERS = {
  "Idempotency-Key": {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    description:
      "Makes a retry safe: the same key, method, path and body from the same caller returns the first answer again for 24 hours (Idempotent-Replayed: true); the same key with another request is 422",
    schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[A-Za-z0-9._~:+/=-]{1,255}$" },
    example: "3f1c9a2e-7b4d-4e61-9d0f-2a8b5c6e1f90",
  },
  "If-Match": {
    name: "If-Match",
    in: "header",
    required: false,
    description:
      "The ETag of the object as you last read it (or *): when it changed since, the answer is 412 and nothing is written. Weak tags (W/) never match",
    schema: { type: "string" },
  },
  "If-None-Match": {
    name: "If-None-Match",
    in: "header",
    required: false,
    description: "ETags you hold: when one is still current the answer is 304 with no body",
    schema: { type: "string" },
  },
};

let cached: { baseUrl: string; document: OpenAPIObject } | null = null;

/** The OpenAPI 3.1 document of /api/v1, generated from the procedures' meta and schemas. */
export function getOpenApiDocument(baseUrl: string): OpenAPIObject {
  if (cached?.baseUrl === baseUrl) return cached.document;
  const document = generateOpenApiDocument(appRouter, {
    title: "Switchyard API",
    version: "1.0.0",
    description: DESCRIPTION,
    baseUrl: `${baseUrl.replace(/\/$/, "")}/api/v1`,
    tags: [
      "Workloads",
      "Placement",
      "Approvals",
      "Sites",
      "Nodes",
      "Datasets",
      "Teams",
      "Policies",
      "Audit",
      "Webhooks",
      "Tokens",
      "Me",
    ],
    securitySchemes: {
      bearerAuth: {
        type: "http",
        scheme: "bearer",
        description: "An API token: sy_ followed by 43 letters and digits",
      },
    },
  });
  document.components = { ...document.components, schemas: { ...document.components?.schemas } };
  const schemas = document.components.schemas ?? {};
  for (const name of Object.keys(schemas)) if (name.startsWith("error.")) delete schemas[name];
  schemas.Error = ERROR_SCHEMA as never;

  document.components.headers = { ...document.components.headers, ...HEADERS } as never;
  document.components.parameters = { ...document.components.parameters, ...PARAMETERS } as never;

  for (const item of Object.values(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item as Record<string, TOperation>)) {
      operation.responses = { ...operation.responses };
      const responses = operation.responses;
      for (const code of Object.keys(responses)) if (code !== "200") delete responses[code];
      for (const [code, description] of Object.entries(ERROR_RESPONSES)) {
        responses[code] = {
          description,
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        };
      }
      // 2xx answers carry the rate-limit state; estate reads and writes their ETag.
      const procedure = operation.operationId?.replace("-", ".") ?? "";
      const ok = responses["200"] as { headers?: Record<string, unknown> } | undefined;
      if (ok) {
        ok.headers = {
          ...RATE_LIMIT_HEADERS,
          ...(ETAG_READS[procedure] || ETAG_WRITES.has(procedure)
            ? { ETag: { $ref: "#/components/headers/ETag" } }
            : {}),
          ...(method === "post"
            ? { "Idempotent-Replayed": { $ref: "#/components/headers/Idempotent-Replayed" } }
            : {}),
        };
      }
      responses["429"] = {
        ...(responses["429"] as object),
        headers: { ...RATE_LIMIT_HEADERS, "Retry-After": { $ref: "#/components/headers/Retry-After" } },
      };
      const parameters = [...(operation.parameters ?? [])];
      if (method === "post") parameters.push({ $ref: "#/components/parameters/Idempotency-Key" });
      if (ETAG_READS[procedure]) {
        parameters.push({ $ref: "#/components/parameters/If-None-Match" });
        responses["304"] = {
          description: "Not modified: the ETag in If-None-Match is still current (no body)",
          headers: { ETag: { $ref: "#/components/headers/ETag" } },
        };
      }
      if (ETAG_WRITES.has(procedure)) {
        parameters.push({ $ref: "#/components/parameters/If-Match" });
        responses["412"] = {
          description:
            "If-Match does not match: the object changed since you read it, and nothing was written",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        };
      }
      if (parameters.length > 0) operation.parameters = parameters;
      operation.security = [{ bearerAuth: [] }];
      // trpc-to-openapi names operations by procedure path with dashes (workload-submit).
      const example = operation.operationId
        ? REST_EXAMPLES[operation.operationId.replace("-", ".")]
        : undefined;
      const json = operation.requestBody?.content?.["application/json"];
      if (json && example) json.examples = { example };
    }
  }
  cached = { baseUrl, document };
  return document;
}

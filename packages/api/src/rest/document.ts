import { generateOpenApiDocument, type OpenAPIObject } from "trpc-to-openapi";
import { appRouter } from "../root.ts";
import { REST_EXAMPLES } from "./examples.ts";

type TOperation = {
  operationId?: string;
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
    "The object's state does not allow it (an illegal transition, capacity taken meanwhile, nothing fits)",
  "413": "The body is larger than 256 KiB",
  "415": "The body is not application/json",
  "422": "Valid JSON that breaks a domain rule (e.g. a team you are not in)",
  "429": "Too many requests: wait for Retry-After seconds",
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

**Lists** take \`limit\` (1–200) and \`cursor\`, and answer \`nextCursor\` (null on the last page).

**Numbers.** 64-bit integers (byte counts, audit sequence numbers) are decimal strings; times are ISO 8601 in UTC.`;

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

  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item as Record<string, TOperation>)) {
      operation.responses = { ...operation.responses };
      const responses = operation.responses;
      for (const code of Object.keys(responses)) if (code !== "200") delete responses[code];
      for (const [code, description] of Object.entries(ERROR_RESPONSES)) {
        responses[code] = {
          description,
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        };
      }
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

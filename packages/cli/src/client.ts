import { randomUUID } from "node:crypto";
import createClient from "openapi-fetch";
import { CliError, EXIT, exitCodeForStatus } from "./exit-codes.ts";
import type { paths } from "./generated/api.ts";

export type TApi = ReturnType<typeof createApi>;

export type TRetryOptions = {
  /** Retries after a 429 or 503 (so at most retries + 1 requests). */
  retries: number;
  /** The longest wait honoured from Retry-After, in seconds. */
  maxWaitSeconds: number;
  /** Wait when the server sends no Retry-After (doubles each time), in seconds. */
  baseWaitSeconds: number;
};

const DEFAULT_RETRY: TRetryOptions = { retries: 3, maxWaitSeconds: 60, baseWaitSeconds: 1 };

/** Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); null when absent or bad. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, (at - now) / 1000);
}

/**
 * fetch with the CLI's HTTP manners: every POST carries an Idempotency-Key (one per logical
 * request, so a retry reuses it and the server answers it once), and 429/503 are retried a
 * few times after the server's Retry-After, as are GETs whose connection failed. A server
 * that cannot be reached is one clear error.
 */
export function politeFetch(retry: TRetryOptions = DEFAULT_RETRY, baseFetch: typeof fetch = fetch) {
  return async (input: Request): Promise<Response> => {
    let request = input;
    if (request.method === "POST" && !request.headers.has("idempotency-key")) {
      const headers = new Headers(request.headers);
      headers.set("Idempotency-Key", randomUUID());
      request = new Request(request, { headers });
    }
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await baseFetch(request.clone());
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        // A connection dropped mid-request is retried for reads (a long watch survives a proxy
        // hiccup); a POST is not sent twice blind, and a server that refuses connections or
        // does not resolve is reported at once.
        const dropped = cause?.code === "ECONNRESET" || cause?.code === "UND_ERR_SOCKET";
        if (request.method === "GET" && dropped && attempt < retry.retries) {
          await new Promise((resolve) => setTimeout(resolve, retry.baseWaitSeconds * 2 ** attempt * 1000));
          continue;
        }
        const why = cause?.code ?? cause?.message ?? (error as Error).message;
        throw new CliError(`Cannot reach ${new URL(request.url).origin}: ${why}`, EXIT.ERROR);
      }
      if ((response.status !== 429 && response.status !== 503) || attempt >= retry.retries) return response;
      const wait = Math.min(
        retryAfterSeconds(response.headers.get("retry-after")) ?? retry.baseWaitSeconds * 2 ** attempt,
        retry.maxWaitSeconds,
      );
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    }
  };
}

/** The typed /api/v1 client (generated from the OpenAPI document) for one server and token. */
export function createApi(server: string, token: string, retry?: TRetryOptions) {
  return createClient<paths>({
    baseUrl: `${server}/api/v1`,
    headers: { Authorization: `Bearer ${token}`, "User-Agent": "switchyard-cli" },
    fetch: politeFetch(retry),
  });
}

type TApiError = {
  error?: {
    code?: string;
    message?: string;
    fieldErrors?: Record<string, string[]> | null;
    requestId?: string;
  };
};

/**
 * The data of a call, or a CliError carrying the server's message, field errors, request id
 * and the exit code for its status.
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<NonNullable<T>> {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined && data !== null) return data as NonNullable<T>;
  const body = (error ?? {}) as TApiError;
  const message =
    body.error?.message ??
    (typeof error === "string" && error.length > 0 && error.length < 500
      ? error
      : `${response.status} ${response.statusText || "error"} from ${new URL(response.url || "http://server").pathname}`);
  const code = response.ok ? EXIT.ERROR : exitCodeForStatus(response.status);
  const requestId = body.error?.requestId ?? response.headers.get("x-request-id");
  throw new CliError(message, code, body.error?.fieldErrors ?? null, requestId);
}

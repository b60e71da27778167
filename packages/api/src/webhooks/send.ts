import { parseRetryAfter, WEBHOOK_TIMEOUT_MS } from "./retry.ts";
import { signWebhookPayload, WEBHOOK_HEADERS } from "./signature.ts";

export const WEBHOOK_USER_AGENT = "Switchyard-Webhooks/1";

/** Longest error text kept on a delivery: enough to diagnose, bounded for the table. */
const MAX_ERROR_CHARS = 500;
/** Most bytes of a failing response's body read into the error text. */
const MAX_BODY_SNIPPET_BYTES = 1_024;

export type TWebhookRequest = {
  url: string;
  secret: string;
  deliveryId: string;
  event: string;
  /** The JSON text sent, exactly as signed. */
  body: string;
  now: Date;
  timeoutMs?: number;
};

export type TWebhookOutcome =
  | { ok: true; statusCode: number }
  | { ok: false; statusCode: number | null; error: string; retryAfterMs: number | null };

/**
 * One signed POST to a receiver. 2xx is success; any other status, a redirect (not
 * followed: a webhook should name its final URL, and following would send the signed
 * event somewhere nobody configured), a network error or a timeout is a failure with
 * a short reason. Never throws.
 */
export async function sendWebhook(request: TWebhookRequest): Promise<TWebhookOutcome> {
  const timestamp = Math.floor(request.now.getTime() / 1_000);
  const timeoutMs = request.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  try {
    const response = await fetch(request.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": WEBHOOK_USER_AGENT,
        [WEBHOOK_HEADERS.event]: request.event,
        [WEBHOOK_HEADERS.delivery]: request.deliveryId,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: signWebhookPayload(request.secret, timestamp, request.body),
      },
      body: request.body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel().catch(() => {});
      return { ok: true, statusCode: response.status };
    }
    const snippet = await readSnippet(response);
    const redirect =
      response.status >= 300 && response.status < 400
        ? ` (redirect to ${response.headers.get("location") ?? "?"} not followed; use the final URL)`
        : "";
    return {
      ok: false,
      statusCode: response.status,
      error: truncate(`HTTP ${response.status}${redirect}${snippet ? `: ${snippet}` : ""}`),
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), request.now),
    };
  } catch (error) {
    return {
      ok: false,
      statusCode: null,
      error: truncate(describeFetchError(error, timeoutMs)),
      retryAfterMs: null,
    };
  }
}

/** The start of a response body, for the error text; never waits past the request's timeout. */
async function readSnippet(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_BODY_SNIPPET_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short still tells us the status; keep what arrived.
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks)
    .subarray(0, MAX_BODY_SNIPPET_BYTES)
    .toString("utf8")
    .replace(/\s+/g, " ")
    .trim();
}

/** "no response within 10 s", "connection refused (127.0.0.1:9)": the cause, not "fetch failed". */
export function describeFetchError(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError" || err?.name === "AbortError")
    return `no response within ${timeoutMs / 1_000} s`;
  const cause = err?.cause;
  const code = cause?.code;
  const detail = cause?.message ?? err?.message ?? String(error);
  switch (code) {
    case "ECONNREFUSED":
      return `connection refused (${detail.replace(/^connect ECONNREFUSED /, "")})`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `host not found (${detail.replace(/^getaddrinfo \w+ /, "")})`;
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return `connection closed by the receiver (${detail})`;
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
      return `no response within ${timeoutMs / 1_000} s`;
    default:
      return code ? `${code}: ${detail}` : detail;
  }
}

function truncate(text: string): string {
  return text.length <= MAX_ERROR_CHARS ? text : `${text.slice(0, MAX_ERROR_CHARS - 1)}…`;
}

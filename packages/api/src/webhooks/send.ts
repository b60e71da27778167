import { request as httpRequest, type IncomingMessage, STATUS_CODES } from "node:http";
import { request as httpsRequest } from "node:https";
import { parseRetryAfter, WEBHOOK_TIMEOUT_MS } from "./retry.ts";
import { signWebhookPayload, WEBHOOK_HEADERS } from "./signature.ts";
import {
  DEFAULT_WEBHOOK_NETWORK_POLICY,
  pinnedLookup,
  resolveWebhookTarget,
  type TWebhookNetworkPolicy,
  WebhookUrlRefused,
} from "./url-policy.ts";

export const WEBHOOK_USER_AGENT = "Switchyard-Webhooks/1";

/** Longest error text kept on a delivery: enough to diagnose, bounded for the table. */
const MAX_ERROR_CHARS = 500;

export type TWebhookRequest = {
  url: string;
  secret: string;
  deliveryId: string;
  event: string;
  /** The JSON text sent, exactly as signed. */
  body: string;
  now: Date;
  timeoutMs?: number;
  /** Where the request may go (see url-policy.ts); the default allows public addresses only. */
  network?: TWebhookNetworkPolicy;
  /** Resolves a host name to its addresses; defaults to the system resolver. */
  resolve?: (host: string) => Promise<string[]>;
};

export type TWebhookOutcome =
  | { ok: true; statusCode: number }
  | { ok: false; statusCode: number | null; error: string; retryAfterMs: number | null };

/**
 * One signed POST to a receiver. 2xx is success; any other status, a redirect (not
 * followed: a webhook should name its final URL, and following would send the signed
 * event somewhere nobody configured), a network error, a timeout or an address the network
 * policy refuses is a failure with a short reason. Never throws.
 *
 * The receiver's response body is never read: the outcome is its status line only. A
 * delivery log that echoed bodies would let anyone who can set a webhook URL read what
 * internal services answer (server-side request forgery with the response shown).
 */
export async function sendWebhook(request: TWebhookRequest): Promise<TWebhookOutcome> {
  const timestamp = Math.floor(request.now.getTime() / 1_000);
  const timeoutMs = request.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    // Checked on every attempt, after resolution: the URL may have been saved under another
    // policy, or its name may point elsewhere now.
    const target = await resolveWebhookTarget(
      request.url,
      request.network ?? DEFAULT_WEBHOOK_NETWORK_POLICY,
      request.resolve,
    );
    const response = await post(request, timestamp, target.addresses[0] as string, signal);
    // Never read: the body is the receiver's business (and one connection per delivery).
    response.destroy();
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) return { ok: true, statusCode: status };
    const redirect = status >= 300 && status < 400 ? " (redirects are not followed: use the final URL)" : "";
    const retryAfter = response.headers["retry-after"];
    return {
      ok: false,
      statusCode: status,
      error: truncate(`HTTP ${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ""}${redirect}`),
      retryAfterMs: parseRetryAfter(typeof retryAfter === "string" ? retryAfter : null, request.now),
    };
  } catch (error) {
    return {
      ok: false,
      statusCode: null,
      error: truncate(
        error instanceof WebhookUrlRefused
          ? `refused: ${error.message}`
          : describeFetchError(signal.aborted ? signal.reason : error, timeoutMs),
      ),
      retryAfterMs: null,
    };
  }
}

/** The POST itself, connected to `address` (already checked) whatever DNS says now. */
function post(
  request: TWebhookRequest,
  timestamp: number,
  address: string,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const url = new URL(request.url);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(request.body),
          "user-agent": WEBHOOK_USER_AGENT,
          [WEBHOOK_HEADERS.event]: request.event,
          [WEBHOOK_HEADERS.delivery]: request.deliveryId,
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.signature]: signWebhookPayload(request.secret, timestamp, request.body),
        },
        // Only the checked address: the socket asks this lookup, never DNS again.
        lookup: pinnedLookup(address) as never,
        signal,
        agent: false,
      },
      resolve,
    );
    outgoing.on("error", reject);
    outgoing.end(request.body);
  });
}

/** "no response within 10 s", "connection refused (127.0.0.1:9)": the cause, not "fetch failed". */
export function describeFetchError(error: unknown, timeoutMs: number): string {
  const err = error as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (err?.name === "TimeoutError" || err?.name === "AbortError")
    return `no response within ${timeoutMs / 1_000} s`;
  const cause = err?.cause ?? err;
  const code = cause?.code ?? err?.code;
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
    case "ETIMEDOUT":
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

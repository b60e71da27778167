/** An answer from the server other than 2xx, or no answer at all. */
export class ServerError extends Error {
  override name = "ServerError";
  constructor(
    message: string,
    /** The HTTP status; null when the server could not be reached. */
    readonly status: number | null,
  ) {
    super(message);
  }

  /** Worth retrying later: the server is away, overloaded or failing, not refusing the request. */
  get isRetryable() {
    return this.status === null || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

export type TServer = { post: (path: string, body: unknown) => Promise<unknown> };

/** POSTs JSON to `<server>/api/v1<path>` with the agent token; errors carry the server's own message. */
export function connect(options: { server: string; token: string; timeoutMs?: number }): TServer {
  const base = options.server.replace(/\/+$/, "");
  return {
    async post(path, body) {
      let response: Response;
      try {
        response = await fetch(`${base}/api/v1${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${options.token}`, "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        throw new ServerError(`cannot reach ${base} (${cause})`, null);
      }
      const text = await response.text();
      if (response.ok) return text ? JSON.parse(text) : null;
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // not the API's JSON error body (a proxy's page): keep the text
      }
      throw new ServerError(`POST ${path}: ${response.status} ${message}`, response.status);
    },
  };
}

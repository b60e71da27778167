type THeaderBag = { get(name: string): string | null };
type TEnv = { NEXTAUTH_URL?: string };

/**
 * The console's own origin, as browsers see it: NEXTAUTH_URL's when set (the public URL
 * behind a proxy), otherwise the Host this request came to, with the scheme a TLS-ending
 * proxy reports in X-Forwarded-Proto.
 */
export function consoleOrigin(headers: THeaderBag, env: TEnv = process.env): string {
  const configured = originOf(env.NEXTAUTH_URL);
  if (configured) return configured;
  return requestOrigin(headers) ?? "http://localhost";
}

/** The origin the request was addressed to, from Host (or X-Forwarded-Host) and the scheme. */
export function requestOrigin(headers: THeaderBag): string | null {
  const host = firstValue(headers.get("x-forwarded-host")) ?? firstValue(headers.get("host"));
  if (!host) return null;
  const proto = firstValue(headers.get("x-forwarded-proto")) === "https" ? "https" : "http";
  return originOf(`${proto}://${host}`);
}

/** Origins a state-changing browser request may come from: this console's, under either name. */
export function allowedOrigins(headers: THeaderBag, env: TEnv = process.env): Set<string> {
  return new Set([originOf(env.NEXTAUTH_URL), requestOrigin(headers)].filter((o): o is string => Boolean(o)));
}

/** Whether the console is served over TLS (HSTS and Secure cookies then apply). */
export function isHttps(headers: THeaderBag, env: TEnv = process.env): boolean {
  return (
    env.NEXTAUTH_URL?.startsWith("https://") === true ||
    firstValue(headers.get("x-forwarded-proto")) === "https"
  );
}

function firstValue(value: string | null): string | null {
  const first = value?.split(",")[0]?.trim();
  return first ? first : null;
}

function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const origin = new URL(url).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

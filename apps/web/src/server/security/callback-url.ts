/**
 * Where the browser may go after signing in: a path on this console, never another site.
 *
 * Browsers forgive a lot in a URL that a naive `startsWith("/")` check does not see:
 * `/\evil.example` and `/<TAB>/evil.example` both become `//evil.example` (another host),
 * `http://localhost:3400.evil.example/` starts like our origin but is not it, and
 * `javascript:` runs code. So the value is resolved the way a browser resolves it, against
 * the console's own origin, and only a result with exactly that origin is kept; anything
 * else (or anything unparsable) becomes "/". Backslashes and control characters are refused
 * outright: no legitimate path of ours contains them, and browsers rewrite them.
 *
 * One policy for the sign-in page and for next-auth's `redirect` callback.
 */
export function safeCallbackUrl(raw: unknown, origin: string): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2_048) return "/";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\\\u0000-\u001f\u007f]/.test(raw)) return "/";
  let base: URL;
  try {
    base = new URL(origin);
  } catch {
    return "/";
  }
  const isRelativePath = raw.startsWith("/") && !raw.startsWith("//");
  const isAbsolute = /^[a-z][a-z0-9+.-]*:/i.test(raw);
  if (!isRelativePath && !isAbsolute) return "/";
  let target: URL;
  try {
    target = new URL(raw, base);
  } catch {
    return "/";
  }
  if (target.origin !== base.origin || target.username || target.password) return "/";
  const path = `${target.pathname}${target.search}${target.hash}`;
  // The resolved path itself must not read as protocol-relative (e.g. "/%2F" stays encoded,
  // but a path normalised to "//x" would not).
  return path.startsWith("//") ? "/" : path;
}

/** The same policy as an absolute URL on `baseUrl`, the shape next-auth's redirect callback returns. */
export function safeRedirectUrl(url: unknown, baseUrl: string): string {
  return new URL(safeCallbackUrl(url, baseUrl), baseUrl).toString();
}

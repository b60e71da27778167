/**
 * The one error shape of the console's HTTP routes ({ error: { code, message } }, as
 * handleApiError writes it), for refusals made before any route code runs.
 */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

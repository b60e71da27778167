import { errorResponse } from "./error-response";

/** The cookies next-auth keeps the post-sign-in destination in (plain and behind TLS). */
export const CALLBACK_URL_COOKIES = ["next-auth.callback-url", "__Secure-next-auth.callback-url"] as const;

/**
 * Requests to /api/auth that next-auth has no answer for but a 500: the credentials
 * callback only takes the sign-in form's POST.
 */
export function authRequestRefusal(request: Request): Response | null {
  const { pathname } = new URL(request.url);
  if (/\/api\/auth\/callback\/credentials\/?$/.test(pathname) && request.method !== "POST") {
    return errorResponse(
      405,
      "METHOD_NOT_ALLOWED",
      "Sign in with the sign-in form: this address takes its POST only.",
      {
        allow: "POST",
      },
    );
  }
  return null;
}

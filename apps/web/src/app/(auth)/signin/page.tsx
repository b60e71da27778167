import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getSessionUser, isSsoEnabled } from "~/server/auth";
import { safeCallbackUrl } from "~/server/security/callback-url";
import { consoleOrigin } from "~/server/security/origin";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string | string[]; error?: string | string[] }>;
}) {
  const { callbackUrl, error } = await searchParams;
  // Only paths on this console: an open redirect would send people, signed in, elsewhere.
  const safeCallback = safeCallbackUrl(callbackUrl, consoleOrigin(await headers()));
  if (await getSessionUser()) redirect(safeCallback);
  return (
    <SignInForm
      callbackUrl={safeCallback}
      isSsoEnabled={isSsoEnabled()}
      ssoName={process.env.OIDC_NAME?.trim() || "single sign-on"}
      initialError={typeof error === "string" ? error : null}
    />
  );
}

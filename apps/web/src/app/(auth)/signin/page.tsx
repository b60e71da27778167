import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getSessionUser, isSsoEnabled } from "~/server/auth";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; error?: string }>;
}) {
  if (await getSessionUser()) redirect("/");
  const { callbackUrl, error } = await searchParams;
  // Only same-site paths: an open redirect would hand sessions to another site.
  const safeCallback = callbackUrl?.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/";
  return (
    <SignInForm
      callbackUrl={safeCallback}
      isSsoEnabled={isSsoEnabled()}
      ssoName={process.env.OIDC_NAME?.trim() || "single sign-on"}
      initialError={error ?? null}
    />
  );
}

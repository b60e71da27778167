"use client";

import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { type FormEvent, useState } from "react";

/** Messages for the `?error=` codes next-auth and the SSO checks (server/auth.ts) redirect with. */
const SIGN_IN_ERRORS: Record<string, string> = {
  SsoMissingEmail:
    "Your single sign-on provider did not share your email address with Switchyard. Ask your administrator to release the email claim.",
  SsoUnverifiedEmail:
    "Your single sign-on provider has not verified your email address, so Switchyard cannot tell it is yours. Verify it at the provider, then try again.",
  SsoNoUser:
    "There is no Switchyard account for your single sign-on email. Ask a Switchyard admin to add you.",
  SsoDomainNotAllowed:
    "There is no Switchyard account for your email, and new accounts are not created for your email domain. Ask a Switchyard admin to add you.",
  SsoAccountDisabled: "Your Switchyard account is disabled. Ask a Switchyard admin to enable it.",
  SsoIdentityConflict:
    "This Switchyard account is already linked to another single sign-on identity. Sign in with that identity, or ask a Switchyard admin.",
  AccessDenied: "Single sign-on was refused. Ask a Switchyard admin.",
  OAuthSignin: "The single sign-on provider could not be reached. Try again later or use your password.",
  OAuthCallback: "The single sign-on provider returned an error. Try again or use your password.",
  Callback: "The single sign-on provider returned an error. Try again or use your password.",
  SessionRequired: "Sign in to continue.",
  InvalidRequest: "That sign-in link was not valid. Sign in again.",
};

export function SignInForm({
  callbackUrl,
  isSsoEnabled,
  ssoName,
  initialError,
}: {
  callbackUrl: string;
  isSsoEnabled: boolean;
  ssoName: string;
  initialError: string | null;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(
    initialError ? (SIGN_IN_ERRORS[initialError] ?? "Sign-in failed. Try again.") : null,
  );
  const [isPending, setIsPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setIsPending(true);
    setError(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    setIsPending(false);
    if (!result || result.error) {
      setError(
        result?.error === "CredentialsSignin"
          ? "Wrong email or password."
          : (result?.error ?? "Sign-in failed."),
      );
      return;
    }
    router.replace(callbackUrl);
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
      <h1 className="text-base font-semibold">Sign in</h1>
      {error ? (
        <p
          className="rounded-md bg-status-bad/10 px-3 py-2 text-sm text-status-bad"
          data-testid="signin-error"
        >
          {error}
        </p>
      ) : null}
      <label className="flex flex-col gap-1 text-sm">
        Email
        <input
          name="email"
          type="email"
          autoComplete="username"
          required
          className="rounded-md border border-border bg-background px-3 py-1.5"
        />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Password
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="rounded-md border border-border bg-background px-3 py-1.5"
        />
      </label>
      <button
        type="submit"
        disabled={isPending}
        className="rounded-md bg-accent px-3 py-2 text-sm font-medium text-on-accent disabled:opacity-60"
      >
        {isPending ? "Signing in…" : "Sign in"}
      </button>
      {isSsoEnabled ? (
        <button
          type="button"
          onClick={() => signIn("oidc", { callbackUrl })}
          className="rounded-md border border-border px-3 py-2 text-sm"
        >
          Sign in with {ssoName}
        </button>
      ) : null}
    </form>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { type FormEvent, useState } from "react";

const NEXTAUTH_ERRORS: Record<string, string> = {
  AccessDenied: "This SSO account has no Switchyard user. Ask an admin to add you.",
  OAuthSignin: "Single sign-on could not start. Try again or use your password.",
  OAuthCallback: "Single sign-on failed. Try again or use your password.",
  SessionRequired: "Sign in to continue.",
  InvalidRequest: "That sign-in link was not valid. Sign in again.",
};

export function SignInForm({
  callbackUrl,
  isSsoEnabled,
  initialError,
}: {
  callbackUrl: string;
  isSsoEnabled: boolean;
  initialError: string | null;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(
    initialError ? (NEXTAUTH_ERRORS[initialError] ?? initialError) : null,
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
        className="rounded-md bg-accent px-3 py-2 text-sm font-medium text-white disabled:opacity-60"
      >
        {isPending ? "Signing in…" : "Sign in"}
      </button>
      {isSsoEnabled ? (
        <button
          type="button"
          onClick={() => signIn("oidc", { callbackUrl })}
          className="rounded-md border border-border px-3 py-2 text-sm"
        >
          Sign in with single sign-on
        </button>
      ) : null}
    </form>
  );
}

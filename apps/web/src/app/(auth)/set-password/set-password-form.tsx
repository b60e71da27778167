"use client";

import Link from "next/link";
import { useActionState } from "react";
import { setPasswordAction, type TSetPasswordState } from "./actions";

const INITIAL: TSetPasswordState = { error: null, field: null, doneFor: null };

export function SetPasswordForm({ token, minLength }: { token: string; minLength: number }) {
  const [state, action, isPending] = useActionState(setPasswordAction, INITIAL);
  if (state.doneFor)
    return (
      <div className="flex flex-col gap-4">
        <h1 className="text-base font-semibold">Password set</h1>
        <p className="text-sm" data-testid="set-password-done">
          The password of {state.doneFor} is set. This link does not work again.
        </p>
        <Link
          href="/signin"
          className="rounded-md bg-accent px-3 py-2 text-center text-sm font-medium text-on-accent"
        >
          Sign in
        </Link>
      </div>
    );
  return (
    <form action={action} className="flex flex-col gap-4">
      <h1 className="text-base font-semibold">Set your password</h1>
      {state.error ? (
        <p
          className="rounded-md bg-status-bad/10 px-3 py-2 text-sm text-status-bad"
          data-testid="set-password-error"
        >
          {state.error}
        </p>
      ) : null}
      <input type="hidden" name="token" value={token} />
      <label className="flex flex-col gap-1 text-sm">
        New password
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={minLength}
          aria-invalid={state.field === "password"}
          className="rounded-md border border-border bg-background px-3 py-1.5"
        />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Repeat it
        <input
          name="confirm"
          type="password"
          autoComplete="new-password"
          required
          aria-invalid={state.field === "confirm"}
          className="rounded-md border border-border bg-background px-3 py-1.5"
        />
      </label>
      <p className="text-xs text-muted">At least {minLength} characters.</p>
      <button
        type="submit"
        disabled={isPending}
        className="rounded-md bg-accent px-3 py-2 text-sm font-medium text-on-accent disabled:opacity-60"
      >
        {isPending ? "Saving…" : "Set password"}
      </button>
    </form>
  );
}

import { MIN_PASSWORD_LENGTH } from "@switchyard/api/auth";
import type { Metadata } from "next";
import Link from "next/link";
import { SetPasswordForm } from "./set-password-form";

export const metadata: Metadata = { title: "Set your password", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

/** /set-password?token=…: the one-time link printed for the first admin (npm run admin -- create). */
export default async function SetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string }>;
}) {
  const { token } = await searchParams;
  if (!token)
    return (
      <div className="flex flex-col gap-4">
        <h1 className="text-base font-semibold">Set your password</h1>
        <p className="text-sm" data-testid="set-password-error">
          This page needs the one-time link an admin gave you (it ends in <code>?token=…</code>).
        </p>
        <Link href="/signin" className="text-center text-sm text-muted hover:text-foreground">
          Sign in
        </Link>
      </div>
    );
  return <SetPasswordForm token={token} minLength={MIN_PASSWORD_LENGTH} />;
}

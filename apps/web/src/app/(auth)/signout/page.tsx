"use client";

import Link from "next/link";
import { signOut } from "next-auth/react";

export default function SignOutPage() {
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-base font-semibold">Sign out of Switchyard?</h1>
      <button
        type="button"
        onClick={() => signOut({ callbackUrl: "/signin" })}
        className="rounded-md bg-accent px-3 py-2 text-sm font-medium text-on-accent"
      >
        Sign out
      </button>
      <Link href="/" className="text-center text-sm text-muted hover:text-foreground">
        Back to the console
      </Link>
    </div>
  );
}

"use client";

import { ROLE_LABELS, type TSessionUser } from "@switchyard/api/session";
import { ChevronDown, LogOut } from "lucide-react";
import { signOut } from "next-auth/react";
import { useEffect, useRef, useState } from "react";

export function UserMenu({ user }: { user: TSessionUser }) {
  const [isOpen, setIsOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!isOpen) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (
        event instanceof KeyboardEvent ? event.key === "Escape" : !ref.current?.contains(event.target as Node)
      )
        setIsOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [isOpen]);

  return (
    <div className="relative" ref={ref}>
      <button
        type="button"
        onClick={() => setIsOpen((open) => !open)}
        aria-haspopup="menu"
        aria-expanded={isOpen}
        className="flex items-center gap-2 rounded-md px-2 py-1 text-sm hover:bg-foreground/5"
      >
        <span className="grid size-6 place-items-center rounded-full bg-accent/15 text-xs font-semibold text-accent">
          {user.name.slice(0, 1).toUpperCase()}
        </span>
        <span className="hidden text-left leading-tight sm:block">
          <span className="block font-medium">{user.name}</span>
          <span className="block text-xs text-muted" data-testid="user-role">
            {ROLE_LABELS[user.role]}
          </span>
        </span>
        <ChevronDown className="size-3.5 text-muted" aria-hidden />
      </button>
      {isOpen ? (
        <div
          role="menu"
          className="absolute right-0 z-20 mt-1 w-56 rounded-md border border-border bg-surface p-1 shadow-lg"
        >
          <div className="px-2.5 py-2 text-xs text-muted">
            Signed in as <span className="font-medium text-foreground">{user.email}</span>
          </div>
          <button
            type="button"
            role="menuitem"
            onClick={() => signOut({ callbackUrl: "/signin" })}
            className="flex w-full items-center gap-2 rounded px-2.5 py-1.5 text-left text-sm hover:bg-foreground/5"
          >
            <LogOut className="size-4" aria-hidden />
            Sign out
          </button>
        </div>
      ) : null}
    </div>
  );
}

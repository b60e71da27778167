"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "~/lib/cn";
import { useTRPC } from "~/trpc/react";
import { NAV_ITEMS } from "./nav-config";

/** Polled so a request that arrives while the console is open shows up without a reload. */
const INBOX_POLL_MS = 30_000;

export function Sidebar({ inboxCount }: { inboxCount: number }) {
  const pathname = usePathname();
  const trpc = useTRPC();
  const inbox = useQuery(
    trpc.approval.inboxCount.queryOptions(undefined, {
      initialData: inboxCount,
      refetchInterval: INBOX_POLL_MS,
    }),
  );
  const badges: Record<string, number> = { "/approvals": inbox.data ?? 0 };
  return (
    <nav aria-label="Main" className="flex flex-col gap-0.5 p-2">
      {NAV_ITEMS.map((item) => {
        const isActive =
          item.href === "/"
            ? pathname === "/"
            : pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={isActive ? "page" : undefined}
            className={cn(
              "flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm",
              isActive
                ? "bg-accent/12 font-medium text-accent"
                : "text-muted hover:bg-foreground/5 hover:text-foreground",
            )}
          >
            <item.icon className="size-4" aria-hidden />
            {item.title}
            {badges[item.href] ? (
              <span
                className="ml-auto rounded-full bg-accent px-1.5 text-xs font-medium tabular-nums text-on-accent"
                data-testid={`nav-count-${item.title.toLowerCase()}`}
              >
                {badges[item.href]}
                <span className="sr-only"> waiting for you</span>
              </span>
            ) : null}
          </Link>
        );
      })}
    </nav>
  );
}

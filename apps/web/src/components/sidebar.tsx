"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "~/lib/cn";
import { NAV_ITEMS } from "./nav-config";

export function Sidebar() {
  const pathname = usePathname();
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
          </Link>
        );
      })}
    </nav>
  );
}

"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "~/lib/cn";

const TABS = [
  { title: "Policies", href: "/settings/policies" },
  { title: "Fair sharing", href: "/settings/fair-share" },
  { title: "Webhooks", href: "/settings/webhooks" },
  { title: "API tokens", href: "/settings/tokens" },
  { title: "People", href: "/settings/people" },
];

export function SettingsTabs() {
  const pathname = usePathname();
  return (
    <nav aria-label="Settings" className="mb-5 flex gap-1 border-b border-border">
      {TABS.map((tab) => {
        const isActive = pathname === tab.href || pathname.startsWith(`${tab.href}/`);
        return (
          <Link
            key={tab.href}
            href={tab.href}
            aria-current={isActive ? "page" : undefined}
            className={cn(
              "-mb-px border-b-2 px-3 py-2 text-sm",
              isActive
                ? "border-accent font-medium text-foreground"
                : "border-transparent text-muted hover:border-border hover:text-foreground",
            )}
          >
            {tab.title}
          </Link>
        );
      })}
    </nav>
  );
}

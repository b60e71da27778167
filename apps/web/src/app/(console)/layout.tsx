import { Waypoints } from "lucide-react";
import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { MobileNav } from "~/components/mobile-nav";
import { Sidebar } from "~/components/sidebar";
import { ThemeToggle } from "~/components/theme-toggle";
import { UserMenu } from "~/components/user-menu";
import { getSessionUser } from "~/server/auth";
import { getServerApi } from "~/server/trpc";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser();
  if (!user) redirect("/signin");
  const inboxCount = await (await getServerApi()).approval.inboxCount();
  return (
    <div className="grid min-h-screen md:grid-cols-[13rem_1fr]">
      <aside className="sticky top-0 hidden h-screen border-r border-border bg-surface md:block">
        <Link href="/" className="flex h-12 items-center gap-2 border-b border-border px-4 font-semibold">
          <Waypoints className="size-5 text-accent" aria-hidden />
          Switchyard
        </Link>
        <Sidebar inboxCount={inboxCount} />
      </aside>
      <div className="min-w-0">
        <header className="sticky top-0 z-10 flex h-12 items-center justify-end gap-2 border-b border-border bg-surface/90 px-3 backdrop-blur md:px-5">
          <div className="mr-auto">
            <MobileNav inboxCount={inboxCount} />
          </div>
          <ThemeToggle />
          <UserMenu user={user} />
        </header>
        <main className="px-3 py-4 md:px-6 md:py-5">{children}</main>
      </div>
    </div>
  );
}

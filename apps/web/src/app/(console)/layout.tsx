import { Waypoints } from "lucide-react";
import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
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
    <div className="grid min-h-screen grid-cols-[13rem_1fr]">
      <aside className="sticky top-0 h-screen border-r border-border bg-surface">
        <Link href="/" className="flex h-12 items-center gap-2 border-b border-border px-4 font-semibold">
          <Waypoints className="size-5 text-accent" aria-hidden />
          Switchyard
        </Link>
        <Sidebar inboxCount={inboxCount} />
      </aside>
      <div className="min-w-0">
        <header className="sticky top-0 z-10 flex h-12 items-center justify-end gap-2 border-b border-border bg-surface/90 px-5 backdrop-blur">
          <ThemeToggle />
          <UserMenu user={user} />
        </header>
        <main className="px-6 py-5">{children}</main>
      </div>
    </div>
  );
}

"use client";

import { Menu, X } from "lucide-react";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import { Sidebar } from "./sidebar";

/**
 * The navigation on narrow screens (below 768 px, where the sidebar is hidden): a menu
 * button in the header opens it as a drawer; choosing a page, Escape or the backdrop closes it.
 */
export function MobileNav({ inboxCount }: { inboxCount: number }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  // biome-ignore lint/correctness/useExhaustiveDependencies: close when the page changes
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <div className="md:hidden">
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-label="Open menu"
        aria-expanded={open}
        aria-controls="mobile-nav"
        className="rounded-md p-1.5 text-muted hover:bg-foreground/5 hover:text-foreground"
      >
        <Menu className="size-5" aria-hidden />
      </button>
      {open ? (
        <div className="fixed inset-0 z-40 flex" id="mobile-nav">
          <button
            type="button"
            aria-label="Close menu"
            className="absolute inset-0 bg-black/40"
            onClick={() => setOpen(false)}
          />
          <div className="relative z-10 flex w-64 max-w-[80vw] flex-col border-r border-border bg-surface">
            <div className="flex h-12 items-center justify-between border-b border-border px-4 font-semibold">
              Switchyard
              <button
                type="button"
                onClick={() => setOpen(false)}
                aria-label="Close menu"
                className="rounded-md p-1 text-muted hover:bg-foreground/5"
              >
                <X className="size-4" aria-hidden />
              </button>
            </div>
            <Sidebar inboxCount={inboxCount} />
          </div>
        </div>
      ) : null}
    </div>
  );
}

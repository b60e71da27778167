import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";

/** A designed empty page or panel: what belongs here and why it is empty now. */
export function EmptyState({
  icon: Icon,
  title,
  children,
}: {
  icon: LucideIcon;
  title: string;
  children: ReactNode;
}) {
  return (
    <div className="flex flex-col items-center justify-center gap-3 rounded-lg border border-dashed border-border px-6 py-16 text-center">
      <Icon className="size-8 text-muted" aria-hidden />
      <h2 className="text-base font-semibold">{title}</h2>
      <div className="max-w-md text-sm text-muted">{children}</div>
    </div>
  );
}

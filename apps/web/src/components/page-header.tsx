import type { ReactNode } from "react";

export function PageHeader({
  title,
  description,
  actions,
  level = 1,
}: {
  title: string;
  description?: string;
  actions?: ReactNode;
  /** 2 inside a section that already has the page's h1 (the Settings tabs). */
  level?: 1 | 2;
}) {
  return (
    <div className="mb-5 flex flex-wrap items-end justify-between gap-3">
      <div>
        {level === 1 ? (
          <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
        ) : (
          <h2 className="text-base font-semibold">{title}</h2>
        )}
        {description ? <p className="mt-1 text-sm text-muted">{description}</p> : null}
      </div>
      {actions}
    </div>
  );
}

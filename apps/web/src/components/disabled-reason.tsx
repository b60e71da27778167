import type { ReactNode } from "react";

/**
 * A control the user may not use, shown disabled with the reason: as a tooltip on hover and as
 * text that assistive technology reads with the control (aria-describedby).
 */
export function DisabledControl({
  id,
  reason,
  className,
  children,
}: {
  id: string;
  reason: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <button
        type="button"
        disabled
        aria-disabled="true"
        title={reason}
        aria-describedby={id}
        className={`${className ?? ""} cursor-not-allowed opacity-50`}
      >
        {children}
      </button>
      <span id={id} className="sr-only" data-testid="disabled-reason">
        {reason}
      </span>
    </span>
  );
}

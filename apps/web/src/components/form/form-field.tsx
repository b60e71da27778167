import type { ReactNode } from "react";

export const INPUT_CLASS =
  "w-full rounded-md border border-border bg-surface px-2.5 py-1.5 text-sm aria-invalid:border-status-bad";

/** A labelled form control with its hint and inline field errors. */
export function FormField({
  id,
  label,
  hint,
  errors,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  errors?: string[];
  children: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-muted">
        {label}
      </label>
      {children}
      {errors && errors.length > 0 ? (
        <p id={`${id}-error`} className="text-xs text-status-bad">
          {errors.join(" ")}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-muted">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** Props that tie a control to its FormField's error text for screen readers. */
export function fieldProps(id: string, errors?: string[]) {
  const isInvalid = Boolean(errors && errors.length > 0);
  return {
    id,
    "aria-invalid": isInvalid || undefined,
    "aria-describedby": isInvalid ? `${id}-error` : undefined,
  };
}

export function SuccessNote({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="rounded-md bg-status-ok/10 px-3 py-2 text-sm text-status-ok">
      {children}
    </p>
  );
}

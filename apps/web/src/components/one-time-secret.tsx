"use client";

import { Check, Copy, TriangleAlert } from "lucide-react";
import { type ReactNode, useState } from "react";

/**
 * A secret shown once (an API token, a webhook signing secret, a set-password link): the
 * value, a copy button, the warning that it will not be shown again, and how to use it.
 * `testId` names the block; the value itself is `${testId}-value` unless `valueTestId` is given.
 */
export function OneTimeSecret({
  title,
  secret,
  warning,
  children,
  onDone,
  testId,
  valueTestId,
}: {
  title: ReactNode;
  secret: string;
  warning: ReactNode;
  children?: ReactNode;
  onDone: () => void;
  testId: string;
  valueTestId?: string;
}) {
  const [copyState, setCopyState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopyState("copied");
    } catch {
      // Clipboard access needs a secure context and permission; the text stays selectable.
      setCopyState("failed");
    }
  };
  return (
    <div className="flex flex-col gap-3" data-testid={testId}>
      <p className="text-sm">{title}</p>
      <div className="flex items-stretch gap-2">
        <code
          data-testid={valueTestId ?? `${testId}-value`}
          className="flex-1 select-all break-all rounded-md border border-border bg-background px-2.5 py-2 font-mono text-xs"
        >
          {secret}
        </code>
        <button
          type="button"
          onClick={copy}
          className="inline-flex items-center gap-1.5 rounded-md border border-border px-3 text-sm hover:bg-foreground/5"
        >
          {copyState === "copied" ? (
            <Check className="size-4 text-status-ok" aria-hidden />
          ) : (
            <Copy className="size-4" aria-hidden />
          )}
          {copyState === "copied" ? "Copied" : "Copy"}
        </button>
      </div>
      {copyState === "failed" ? (
        <p className="text-xs text-status-bad">
          The browser refused the clipboard: select it and copy it by hand.
        </p>
      ) : null}
      <p
        role="status"
        className="flex items-start gap-2 rounded-md bg-status-warn/12 px-3 py-2 text-sm text-foreground"
      >
        <TriangleAlert className="mt-0.5 size-4 shrink-0 text-status-warn" aria-hidden />
        <span>{warning}</span>
      </p>
      {children ? <div className="text-xs text-muted">{children}</div> : null}
      <div className="flex justify-end">
        <button
          type="button"
          onClick={onDone}
          className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-on-accent"
        >
          I have stored it
        </button>
      </div>
    </div>
  );
}

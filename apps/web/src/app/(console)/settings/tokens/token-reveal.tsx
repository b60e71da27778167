"use client";

import { Check, Copy, TriangleAlert } from "lucide-react";
import { useState } from "react";

/** A new API token, shown once, with a copy button and how to use it. */
export function TokenReveal({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const [copyState, setCopyState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopyState("copied");
    } catch {
      setCopyState("failed");
    }
  };
  return (
    <div className="flex flex-col gap-3" data-testid="token-reveal">
      <p className="text-sm">
        API token <span className="font-medium">{name}</span>:
      </p>
      <div className="flex items-stretch gap-2">
        <code
          data-testid="token-secret"
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
          The browser refused the clipboard: select the token and copy it by hand.
        </p>
      ) : null}
      <p
        role="status"
        className="flex items-start gap-2 rounded-md bg-status-warn/12 px-3 py-2 text-sm text-foreground"
      >
        <TriangleAlert className="mt-0.5 size-4 shrink-0 text-status-warn" aria-hidden />
        <span>
          Store it now: <strong>you won't see this token again</strong>. Switchyard keeps only a hash of it.
        </span>
      </p>
      <p className="text-xs text-muted">
        Send it as <code className="font-mono">Authorization: Bearer &lt;token&gt;</code> to{" "}
        <code className="font-mono">/api/v1</code>, or run <code className="font-mono">switchyard login</code>
        .
      </p>
      <div className="flex justify-end">
        <button
          type="button"
          onClick={onDone}
          className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white"
        >
          I have stored it
        </button>
      </div>
    </div>
  );
}

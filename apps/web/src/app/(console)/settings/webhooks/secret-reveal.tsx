"use client";

import { Check, Copy, TriangleAlert } from "lucide-react";
import { useState } from "react";

/** A signing secret, shown once after create or rotate, with a copy button. */
export function SecretReveal({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
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
    <div className="flex flex-col gap-3" data-testid="webhook-secret-reveal">
      <p className="text-sm">
        Signing secret of <span className="font-medium">{name}</span>:
      </p>
      <div className="flex items-stretch gap-2">
        <code
          data-testid="webhook-secret"
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
          The browser refused the clipboard: select the secret and copy it by hand.
        </p>
      ) : null}
      <p
        role="status"
        className="flex items-start gap-2 rounded-md bg-status-warn/12 px-3 py-2 text-sm text-foreground"
      >
        <TriangleAlert className="mt-0.5 size-4 shrink-0 text-status-warn" aria-hidden />
        <span>
          Store it in your receiver now: <strong>you won't see this secret again</strong>. If it is lost,
          rotate the secret to get a new one.
        </span>
      </p>
      <p className="text-xs text-muted">
        To verify a request, compute HMAC-SHA256 with this secret over{" "}
        <code className="font-mono">{"<X-Switchyard-Timestamp>.<raw body>"}</code> and compare it, in constant
        time, with the hex after <code className="font-mono">sha256=</code> in{" "}
        <code className="font-mono">X-Switchyard-Signature</code>; refuse timestamps older than 5 minutes.
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

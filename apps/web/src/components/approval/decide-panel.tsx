"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { fieldErrorsOf } from "~/lib/trpc-error";
import { useTRPC } from "~/trpc/react";

/** Approve or reject the current step; a rejection needs a comment, which the requester sees. */
export function DecidePanel({ requestId, stepLabel }: { requestId: string; stepLabel: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState("");
  const [fieldError, setFieldError] = useState<string | null>(null);
  const decide = useMutation(
    trpc.approval.decide.mutationOptions({
      onSuccess: async () => {
        setFieldError(null);
        await queryClient.invalidateQueries({ queryKey: trpc.approval.pathKey() });
        router.refresh();
      },
      onError: (error) => setFieldError(fieldErrorsOf(error).comment?.[0] ?? null),
    }),
  );
  return (
    <section
      className="flex flex-col gap-3 rounded-lg border border-accent/40 bg-surface p-4"
      aria-labelledby="decide"
      data-testid="decide-panel"
    >
      <h2 id="decide" className="text-sm font-semibold">
        Your decision · {stepLabel}
      </h2>
      <label className="flex flex-col gap-1 text-sm">
        Comment <span className="text-xs text-muted">(required to reject; the requester sees it)</span>
        <textarea
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          rows={3}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? "comment-error" : undefined}
          className="rounded-md border border-border bg-surface px-2 py-1.5"
        />
      </label>
      {fieldError ? (
        <p id="comment-error" className="text-sm text-status-bad">
          {fieldError}
        </p>
      ) : null}
      <div className="flex gap-2">
        <button
          type="button"
          disabled={decide.isPending}
          onClick={() => decide.mutate({ id: requestId, verdict: "APPROVE", comment: comment || undefined })}
          className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-on-accent disabled:opacity-50"
        >
          Approve
        </button>
        <button
          type="button"
          disabled={decide.isPending}
          onClick={() => decide.mutate({ id: requestId, verdict: "REJECT", comment })}
          className="rounded-md border border-border px-3 py-1.5 text-sm text-status-bad hover:bg-foreground/5 disabled:opacity-50"
        >
          Reject
        </button>
      </div>
      {decide.isError && !fieldError ? (
        <p className="text-sm text-status-bad" data-testid="decide-error">
          {decide.error.message}
        </p>
      ) : null}
    </section>
  );
}

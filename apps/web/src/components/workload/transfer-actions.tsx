"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "~/trpc/react";

/** For whoever moves the bytes: record that a copy arrived (the replica is registered) or failed. */
export function TransferActions({ transferId }: { transferId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const finish = useMutation(
    trpc.workload.finishTransfer.mutationOptions({ onSuccess: () => router.refresh() }),
  );
  return (
    <span className="ml-2 inline-flex items-center gap-1">
      <button
        type="button"
        disabled={finish.isPending}
        onClick={() => finish.mutate({ id: transferId, outcome: "COMPLETED" })}
        className="rounded border border-border px-1.5 py-0.5 hover:bg-foreground/5"
      >
        Mark copied
      </button>
      <button
        type="button"
        disabled={finish.isPending}
        onClick={() => finish.mutate({ id: transferId, outcome: "FAILED" })}
        className="rounded border border-border px-1.5 py-0.5 hover:bg-foreground/5"
      >
        Mark failed
      </button>
      {finish.error ? <span className="text-status-bad">{finish.error.message}</span> : null}
    </span>
  );
}

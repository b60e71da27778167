"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";

export function DecommissionButton({ siteId, siteName }: { siteId: string; siteName: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [isConfirming, setIsConfirming] = useState(false);
  const decommission = useMutation(
    trpc.site.decommission.mutationOptions({
      onSuccess: () => {
        setIsConfirming(false);
        router.refresh();
      },
    }),
  );
  return (
    <div className="flex flex-col items-end gap-2">
      {isConfirming ? (
        <div role="alertdialog" aria-label="Confirm decommission" className="flex items-center gap-2 text-sm">
          <span>Decommission {siteName}? Its nodes are cordoned.</span>
          <button
            type="button"
            onClick={() => decommission.mutate({ id: siteId })}
            disabled={decommission.isPending}
            className="rounded-md bg-status-bad px-3 py-1.5 font-medium text-on-accent"
          >
            {decommission.isPending ? "Decommissioning…" : "Decommission"}
          </button>
          <button
            type="button"
            onClick={() => setIsConfirming(false)}
            className="rounded-md border border-border px-3 py-1.5"
          >
            Keep
          </button>
        </div>
      ) : (
        <button
          type="button"
          onClick={() => setIsConfirming(true)}
          className="rounded-md border border-status-bad/50 px-3 py-1.5 text-sm text-status-bad hover:bg-status-bad/5"
        >
          Decommission
        </button>
      )}
      {decommission.error ? (
        <p className="max-w-md text-right text-sm text-status-bad" data-testid="decommission-error">
          {decommission.error.message}
        </p>
      ) : null}
    </div>
  );
}

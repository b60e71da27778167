"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatDateTime } from "~/lib/format-time";
import { useTRPC } from "~/trpc/react";
import { WAITING_FOR_LABEL } from "./queue-labels";

/** A workload's place in the fair-share queue: position, what it waits for, expected start. */
export function QueueStanding({ workloadId }: { workloadId: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.fairShare.workload.queryOptions({ id: workloadId }));
  const s = query.data?.standing;
  if (query.isPending || !query.data?.queued || !s) return null;
  return (
    <section
      className="rounded-lg border border-border bg-surface p-4"
      aria-labelledby="queue-standing"
      data-testid="queue-standing"
    >
      <h2 id="queue-standing" className="mb-2 text-sm font-semibold">
        In the queue
      </h2>
      <p className="text-sm">
        Position <strong className="tabular-nums">{s.position}</strong> of {query.data.total} ·{" "}
        <span data-testid="queue-waiting-for">{WAITING_FOR_LABEL[s.waitingFor]}</span>
      </p>
      <p className="mt-1 text-sm text-muted">{s.why}</p>
      <p className="mt-2 text-sm">
        Expected start:{" "}
        <span data-testid="queue-expected-start">
          {s.expectedStartAt ? formatDateTime(s.expectedStartAt) : "unknown"}
        </span>
      </p>
      <p className="text-xs text-muted">{s.expectedStartNote}</p>
      <p className="mt-2 text-xs text-muted">{s.fairShare}</p>
      <Link href={`/queue?team=${s.teamId}`} className="mt-2 inline-block text-xs hover:underline">
        The whole queue
      </Link>
    </section>
  );
}

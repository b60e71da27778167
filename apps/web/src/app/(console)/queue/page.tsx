import type { Metadata } from "next";
import { Suspense } from "react";
import { PageHeader } from "~/components/page-header";
import { QueueTables } from "./queue-tables";

export const metadata: Metadata = { title: "Queue" };

export default function QueuePage() {
  return (
    <>
      <PageHeader
        title="Queue"
        description="Pending work in fair order: the team furthest under its fair share first (dominant share over weight, counted once the workload runs), then priority, then age; what each workload waits for, and when it is expected to start."
      />
      <Suspense fallback={<p className="text-sm text-muted">Loading the queue…</p>}>
        <QueueTables />
      </Suspense>
    </>
  );
}

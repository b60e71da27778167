import type { Metadata } from "next";
import { Suspense } from "react";
import { PageHeader } from "~/components/page-header";
import { ModelsTable } from "./models-table";

export const metadata: Metadata = { title: "Models" };

export default function ModelsPage() {
  return (
    <>
      <PageHeader
        title="Models"
        description="Artifacts registered by training and fine-tuning runs: where they were produced, what they were trained on, and the rules they carry from that data."
      />
      <Suspense fallback={<p className="text-sm text-muted">Loading models…</p>}>
        <ModelsTable />
      </Suspense>
    </>
  );
}

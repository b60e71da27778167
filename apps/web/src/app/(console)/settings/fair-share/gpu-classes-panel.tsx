"use client";

import { useQuery } from "@tanstack/react-query";
import { Cpu } from "lucide-react";
import { useState } from "react";
import { Dialog } from "~/components/dialog";
import { DisabledControl } from "~/components/disabled-reason";
import { SuccessNote } from "~/components/form/form-field";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { ErrorNote } from "~/components/table/table-parts";
import { formatUsd } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { GpuClassesForm, type TGpuClasses } from "./gpu-classes-form";

type TRow = TGpuClasses["models"][number] & { units: number | null };

function columns(inEffect: boolean): TColumn<TRow>[] {
  return [
    { id: "model", header: "GPU model", className: "font-medium", cell: (m) => m.gpuModel },
    { id: "gpus", header: "GPUs", className: "tabular-nums", cell: (m) => m.gpus.toLocaleString() },
    {
      id: "price",
      header: "Median price",
      className: "tabular-nums",
      cell: (m) =>
        m.medianUsdPerGpuHour === null ? (
          <span className="text-muted">No price</span>
        ) : (
          `${formatUsd(m.medianUsdPerGpuHour)}/GPU-h`
        ),
    },
    {
      id: "units",
      header: "Units per GPU",
      className: "tabular-nums",
      cell: (m) =>
        !inEffect ? (
          <span className="text-muted">—</span>
        ) : m.units === null ? (
          <span className="text-muted">1 (not listed)</span>
        ) : (
          m.units
        ),
    },
    {
      id: "suggested",
      header: "By price",
      className: "tabular-nums text-muted",
      cell: (m) => m.suggestedUnits ?? "—",
    },
  ];
}

/**
 * GPU classes: whether teams' shares count every GPU model in one unit (H100-equivalents, say)
 * or per model (DRF). Everyone sees them; admins and platform engineers change them.
 */
export function GpuClassesPanel({ editRefusal }: { editRefusal: string | null }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.fairShare.gpuClasses.queryOptions());
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const data = query.data;
  const units = new Map(data?.classes.map((c) => [c.gpuModel, c.units]));
  const rows = data?.models.map((m) => ({ ...m, units: units.get(m.gpuModel) ?? null }));

  return (
    <section aria-labelledby="gpu-classes-title" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="gpu-classes-title" className="text-base font-semibold">
            GPU classes
          </h2>
          <p className="max-w-3xl text-sm text-muted">
            Without classes, each GPU model is its own resource: a team's share is its largest share of any
            one model (dominant resource fairness). With classes, every model counts in one unit
            (H100-equivalents, say, by price or by throughput), so a team on 8 L4s no longer weighs as much as
            one on 8 H100s. The fair order and reclaim use the units from the next round.
          </p>
          {data ? (
            <p className="mt-1 text-sm" data-testid="gpu-classes-status">
              {data.inEffect
                ? `In effect: shares count in class units (${data.classes.length} ${data.classes.length === 1 ? "model" : "models"} listed).`
                : "Off: shares are counted per GPU model."}
            </p>
          ) : null}
        </div>
        {editRefusal ? (
          <DisabledControl
            id="edit-gpu-classes-reason"
            reason={editRefusal}
            className="rounded-md border border-border px-3 py-1.5 text-sm"
          >
            Edit classes
          </DisabledControl>
        ) : (
          <button
            type="button"
            disabled={!data}
            onClick={() => {
              setNotice(null);
              setEditing(true);
            }}
            className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-on-accent disabled:opacity-40"
          >
            Edit classes
          </button>
        )}
      </div>
      <DataTable
        id="gpu-classes"
        label="GPU models and their class units"
        columns={columns(data?.inEffect ?? false)}
        rows={rows}
        rowKey={(m) => m.gpuModel}
        rowTestId="gpu-class-row"
        empty={{ icon: Cpu, title: "No GPU models yet", children: "Add nodes or prices to set classes." }}
      >
        {query.error ? <ErrorNote message={query.error.message} /> : null}
        {notice ? <SuccessNote>{notice}</SuccessNote> : null}
      </DataTable>
      <Dialog open={editing && data !== undefined} title="GPU classes" onClose={() => setEditing(false)}>
        {editing && data ? (
          <GpuClassesForm
            data={data}
            onCancel={() => setEditing(false)}
            onSaved={(inEffect) => {
              setNotice(inEffect ? "GPU classes are saved." : "GPU classes are off.");
              setEditing(false);
            }}
          />
        ) : null}
      </Dialog>
    </section>
  );
}

"use client";

import type { RouterOutputs } from "@switchyard/api";
import { useQuery } from "@tanstack/react-query";
import { FlaskConical, Plus } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { PRIMARY_BUTTON } from "~/components/form/fields";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { formatDateTime } from "~/lib/format-time";
import { useTRPC } from "~/trpc/react";
import { CHANGE_LABEL, ScenarioEditor } from "./scenario-editor";

type TScenario = RouterOutputs["whatIf"]["list"][number];

const COLUMNS: TColumn<TScenario>[] = [
  {
    id: "name",
    header: "Scenario",
    cell: (s) => (
      <>
        <Link href={`/what-if/${s.id}`} className="font-medium hover:underline">
          {s.name}
        </Link>
        {s.description ? <div className="text-xs text-muted">{s.description}</div> : null}
      </>
    ),
  },
  {
    id: "changes",
    header: "Changes",
    cell: (s) => s.changes.map((c) => CHANGE_LABEL[c.kind]).join(", "),
  },
  { id: "shared", header: "Shared with", hideable: true, cell: (s) => s.team?.name ?? "Everyone" },
  { id: "by", header: "Created by", hideable: true, cell: (s) => s.createdBy.name },
  { id: "updated", header: "Updated", hideable: true, cell: (s) => formatDateTime(s.updatedAt) },
  {
    id: "drained",
    header: "Planned drain",
    hideable: true,
    cell: (s) => (s.drainedAt ? formatDateTime(s.drainedAt) : "—"),
  },
];

/** The saved scenarios the user may see, and a new one's editor. */
export function ScenarioList({ canSave }: { canSave: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const list = useQuery(trpc.whatIf.list.queryOptions());
  const [editing, setEditing] = useState(false);
  return (
    <div className="flex flex-col gap-4">
      <div className="flex justify-end">
        <button type="button" className={PRIMARY_BUTTON} onClick={() => setEditing((v) => !v)}>
          <Plus className="size-4" aria-hidden /> {editing ? "Close the editor" : "New scenario"}
        </button>
      </div>
      {editing ? (
        <div className="rounded-lg border border-border bg-surface" data-testid="what-if-editor">
          <ScenarioEditor canSave={canSave} onSaved={(id) => router.push(`/what-if/${id}`)} />
        </div>
      ) : null}
      <DataTable
        id="what-if"
        label="What-if scenarios"
        rows={list.data}
        error={list.error}
        columns={COLUMNS}
        empty={{
          icon: FlaskConical,
          title: "No scenarios yet",
          children:
            "Ask what moves, fails or costs more if a site drains, a price changes or capacity is added.",
        }}
      />
    </div>
  );
}

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { MapPinned, Plus } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { Dialog } from "~/components/dialog";
import { DisabledControl } from "~/components/disabled-reason";
import { SuccessNote } from "~/components/form/form-field";
import { actionsColumn, DataTable, type TColumn } from "~/components/table/data-table";
import { ErrorNote } from "~/components/table/table-parts";
import { quotaModelLabel } from "~/components/team/quota-bar";
import { useTRPC } from "~/trpc/react";
import { SiteGroupForm, type TSiteGroupRow } from "./site-group-form";

const BUTTON =
  "rounded-md border border-border bg-surface px-2 py-1 text-xs hover:bg-foreground/5 disabled:opacity-40";

function columns(
  editRefusal: string | null,
  actions: { edit: (g: TSiteGroupRow) => void; remove: (g: TSiteGroupRow) => void; isBusy: boolean },
): TColumn<TSiteGroupRow>[] {
  const base: TColumn<TSiteGroupRow>[] = [
    {
      id: "name",
      header: "Name",
      className: "font-medium",
      cell: (g) => (
        <>
          {g.name}
          <span className="block font-mono text-xs font-normal text-muted">{g.slug}</span>
        </>
      ),
    },
    {
      id: "sites",
      header: "Sites",
      className: "text-xs",
      cell: (g) => (
        <span className="flex flex-wrap gap-x-2 gap-y-0.5">
          {g.sites.map((s) => (
            <Link key={s.id} href={`/sites/${encodeURIComponent(s.id)}`} className="hover:underline">
              {s.name}
            </Link>
          ))}
        </span>
      ),
    },
    {
      id: "quotas",
      header: "Guarantees scoped to it",
      className: "text-xs",
      cell: (g) =>
        g.quotas.length === 0 ? (
          <span className="text-muted">None</span>
        ) : (
          <span className="flex flex-col gap-0.5">
            {g.quotas.map((q) => (
              <Link
                key={`${q.teamId}:${q.gpuModel}`}
                href={`/teams/${encodeURIComponent(q.teamId)}`}
                className="hover:underline"
              >
                {q.teamName} · {quotaModelLabel(q.gpuModel)}
              </Link>
            ))}
          </span>
        ),
    },
  ];
  if (editRefusal) return base;
  return [
    ...base,
    actionsColumn((g) => (
      <div className="flex gap-1 md:justify-end">
        <button type="button" className={BUTTON} onClick={() => actions.edit(g)}>
          Edit
        </button>
        <button
          type="button"
          className={`${BUTTON} text-status-bad`}
          disabled={actions.isBusy}
          title={g.quotas.length > 0 ? "Quotas are scoped to it: change those first" : undefined}
          onClick={() => actions.remove(g)}
        >
          Delete
        </button>
      </div>
    )),
  ];
}

/**
 * Site groups: named sets of sites a team's guarantee can be scoped to (a quota's "Guaranteed
 * on"). Everyone sees them; admins and platform engineers change them.
 */
export function SiteGroupsPanel({ editRefusal }: { editRefusal: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.fairShare.siteGroups.queryOptions());
  const [dialog, setDialog] = useState<{ group?: TSiteGroupRow } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const remove = useMutation(
    trpc.fairShare.deleteSiteGroup.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.fairShare.pathKey() }),
    }),
  );

  return (
    <section aria-labelledby="site-groups-title" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="site-groups-title" className="text-base font-semibold">
            Site groups
          </h2>
          <p className="max-w-3xl text-sm text-muted">
            A team's guaranteed GPUs hold on every site unless its quota names a site group: then the
            guarantee holds on those sites only, and the team borrows idle GPUs elsewhere up to its limit
            (borrowed work is the first to be reclaimed). Set a quota's group on the team's page.
          </p>
        </div>
        {editRefusal ? (
          <DisabledControl
            id="new-site-group-reason"
            reason={editRefusal}
            className="rounded-md border border-border px-3 py-1.5 text-sm"
          >
            New site group
          </DisabledControl>
        ) : (
          <button
            type="button"
            onClick={() => {
              setNotice(null);
              remove.reset();
              setDialog({});
            }}
            className="inline-flex items-center gap-1.5 rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-on-accent"
          >
            <Plus className="size-4" aria-hidden />
            New site group
          </button>
        )}
      </div>
      <DataTable
        id="site-groups"
        label="Site groups"
        columns={columns(editRefusal, {
          isBusy: remove.isPending,
          edit: (group) => {
            setNotice(null);
            setDialog({ group });
          },
          remove: (group) => {
            setNotice(null);
            remove.mutate({ id: group.id }, { onSuccess: () => setNotice(`${group.name} is deleted.`) });
          },
        })}
        rows={list.data}
        rowKey={(g) => g.id}
        rowTestId="site-group-row"
        empty={{
          icon: MapPinned,
          title: "No site groups yet",
          children: "Every guarantee holds on every site. Group sites to scope a team's guarantee to them.",
        }}
      >
        {remove.error ? <ErrorNote message={remove.error.message} /> : null}
        {list.error ? <ErrorNote message={list.error.message} /> : null}
        {notice ? <SuccessNote>{notice}</SuccessNote> : null}
      </DataTable>
      <Dialog
        open={dialog !== null}
        title={dialog?.group ? `Edit ${dialog.group.name}` : "New site group"}
        onClose={() => setDialog(null)}
      >
        {dialog ? (
          <SiteGroupForm
            group={dialog.group}
            onCancel={() => setDialog(null)}
            onSaved={(name) => {
              setNotice(`${name} is saved.`);
              setDialog(null);
            }}
          />
        ) : null}
      </Dialog>
    </section>
  );
}

"use client";

import { savedViewQuery, type TSavedViewTable } from "@switchyard/api/schemas";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Bookmark, Trash2 } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { Dialog } from "~/components/dialog";
import { FormField, fieldProps, INPUT_CLASS } from "~/components/form/form-field";
import { fieldErrorsOf } from "~/lib/trpc-error";
import { useTRPC } from "~/trpc/react";

const CONTROL_CLASS =
  "inline-flex items-center gap-1.5 rounded-md border border-border bg-surface px-2.5 py-1.5 text-sm hover:bg-foreground/5";

/** The caller's saved views of one table: open one (the URL becomes it), save the current one, delete. */
export function SavedViews({ table }: { table: TSavedViewTable }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [dialog, setDialog] = useState<"save" | "manage" | null>(null);
  const views = useQuery(trpc.savedView.list.queryOptions({ table }));

  const open = (id: string) => {
    const view = views.data?.find((v) => v.id === id);
    if (view) router.push(view.query ? `${pathname}?${view.query}` : pathname, { scroll: false });
  };

  return (
    <div className="flex items-center gap-2">
      <select
        aria-label="Saved views"
        value=""
        onChange={(event) => open(event.target.value)}
        className="max-w-48 rounded-md border border-border bg-surface px-2 py-1.5 text-sm"
      >
        <option value="">{views.data?.length ? "Saved views" : "No saved views"}</option>
        {views.data?.map((view) => (
          <option key={view.id} value={view.id}>
            {view.name}
          </option>
        ))}
      </select>
      <button type="button" className={CONTROL_CLASS} onClick={() => setDialog("save")}>
        <Bookmark className="size-3.5" aria-hidden />
        Save view…
      </button>
      {views.data?.length ? (
        <button type="button" className={CONTROL_CLASS} onClick={() => setDialog("manage")}>
          Manage views…
        </button>
      ) : null}
      <Dialog open={dialog === "save"} title="Save this view" onClose={() => setDialog(null)}>
        <SaveViewForm
          table={table}
          query={savedViewQuery(table, params.toString())}
          onDone={() => setDialog(null)}
        />
      </Dialog>
      <Dialog open={dialog === "manage"} title="Saved views" onClose={() => setDialog(null)}>
        <ManageViews table={table} views={views.data ?? []} />
      </Dialog>
    </div>
  );
}

function SaveViewForm({
  table,
  query,
  onDone,
}: {
  table: TSavedViewTable;
  query: string;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [name, setName] = useState("");
  const save = useMutation(
    trpc.savedView.save.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.savedView.list.queryKey({ table }) });
        onDone();
      },
    }),
  );
  const errors = save.error ? fieldErrorsOf(save.error) : {};
  const nameErrors = errors.name;
  const otherError = save.error && !nameErrors ? (errors.query?.join(" ") ?? save.error.message) : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ table, name, query });
  };

  return (
    <form onSubmit={submit} className="flex flex-col gap-3" noValidate>
      <FormField
        id={`${id}-name`}
        label="Name"
        hint="Saving under a name you already use replaces that view."
        errors={nameErrors}
      >
        <input
          {...fieldProps(`${id}-name`, nameErrors)}
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={60}
          className={INPUT_CLASS}
        />
      </FormField>
      <p className="text-xs text-muted">
        {query
          ? `Keeps: ${decodeURIComponent(query.replaceAll("&", ", ").replaceAll("+", " "))}`
          : "Keeps the default view."}
      </p>
      {otherError ? (
        <p role="alert" className="text-xs text-status-bad">
          {otherError}
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        <button type="submit" disabled={save.isPending} className={CONTROL_CLASS}>
          {save.isPending ? "Saving…" : "Save view"}
        </button>
      </div>
    </form>
  );
}

function ManageViews({
  table,
  views,
}: {
  table: TSavedViewTable;
  views: readonly { id: string; name: string; query: string }[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.savedView.remove.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.savedView.list.queryKey({ table }) }),
    }),
  );
  if (views.length === 0) return <p className="text-sm text-muted">You have no saved views of this table.</p>;
  return (
    <div className="flex flex-col gap-2">
      <ul className="flex flex-col divide-y divide-border">
        {views.map((view) => (
          <li key={view.id} className="flex items-center justify-between gap-3 py-1.5 text-sm">
            <span className="truncate">{view.name}</span>
            <button
              type="button"
              aria-label={`Delete saved view ${view.name}`}
              disabled={remove.isPending}
              onClick={() => remove.mutate({ id: view.id })}
              className="rounded-md p-1 text-muted hover:bg-foreground/5 hover:text-status-bad"
            >
              <Trash2 className="size-4" aria-hidden />
            </button>
          </li>
        ))}
      </ul>
      {remove.error ? (
        <p role="alert" className="text-xs text-status-bad">
          {remove.error.message}
        </p>
      ) : null}
    </div>
  );
}

"use client";

import type { RouterOutputs } from "@switchyard/api";
import { WEBHOOK_EVENT_DESCRIPTIONS, WEBHOOK_EVENTS, ZWebhookInput } from "@switchyard/api/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useWatch } from "react-hook-form";
import { z } from "zod";
import { CheckboxGroupField, SubmitButton, TextField } from "~/components/form/fields";
import { useZodForm, ZodForm } from "~/components/form/zod-form";
import { useTRPC } from "~/trpc/react";

export type TWebhookRow = RouterOutputs["webhook"]["list"]["rows"][number];

/** The procedure's schema, plus the choice between every event (sent as no list) and some. */
const ZWebhookForm = ZWebhookInput.extend({ scope: z.enum(["all", "some"]) }).refine(
  (form) => form.scope === "all" || form.events.length > 0,
  { message: "Choose at least one event, or all events", path: ["events"] },
);

const EVENT_CHOICES = WEBHOOK_EVENTS.map((event) => ({
  value: event,
  label: <span className="font-mono text-xs">{event}</span>,
  hint: WEBHOOK_EVENT_DESCRIPTIONS[event],
}));

/** Create or edit a webhook. A new webhook's secret comes back once, through onCreated. */
export function WebhookForm({
  webhook,
  onCreated,
  onSaved,
  onCancel,
}: {
  webhook?: TWebhookRow;
  onCreated?: (result: { name: string; secret: string }) => void;
  onSaved?: () => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const state = useZodForm(ZWebhookForm, {
    name: webhook?.name ?? "",
    url: webhook?.url ?? "",
    scope: (webhook?.events.length ?? 0) === 0 ? "all" : "some",
    events: (webhook?.events ?? []) as (typeof WEBHOOK_EVENTS)[number][],
    enabled: webhook?.enabled ?? true,
  });
  const isAllEvents = useWatch({ control: state.form.control, name: "scope" }) === "all";
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.webhook.pathKey() });
  const onError = (error: { message: string }) => state.serverError(error);
  const create = useMutation(
    trpc.webhook.create.mutationOptions({
      onSuccess: async (result) => {
        await invalidate();
        onCreated?.({ name: result.webhook.name, secret: result.secret });
      },
      onError,
    }),
  );
  const update = useMutation(
    trpc.webhook.update.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        onSaved?.();
      },
      onError,
    }),
  );

  return (
    <ZodForm
      state={state}
      onSubmit={({ scope, events, name, url, enabled }) => {
        const chosen = scope === "all" ? [] : events;
        if (webhook) update.mutate({ id: webhook.id, name, url, events: chosen });
        else create.mutate({ name, url, events: chosen, enabled });
      }}
      idPrefix="webhook-"
      label={webhook ? "Edit webhook" : "New webhook"}
      className="flex flex-col gap-4"
    >
      <TextField
        name="name"
        label="Name"
        hint="Shown in the delivery log, e.g. Ops pager"
        autoComplete="off"
      />
      <TextField
        name="url"
        label="Payload URL"
        hint="Receives a signed JSON POST for every event"
        type="url"
        inputMode="url"
        placeholder="https://hooks.example.com/switchyard"
        autoComplete="off"
        className="font-mono"
      />
      <div className="flex flex-col gap-2">
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" value="all" {...state.form.register("scope")} />
          All events, including ones added later
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" value="some" {...state.form.register("scope")} />
          Only these events:
        </label>
        <div className="ml-6">
          <CheckboxGroupField name="events" legend="Events" choices={EVENT_CHOICES} disabled={isAllEvents} />
        </div>
      </div>
      <div className="flex justify-end gap-2">
        <button
          type="button"
          onClick={onCancel}
          className="rounded-md border border-border px-3 py-1.5 text-sm"
        >
          Cancel
        </button>
        <SubmitButton pending={create.isPending || update.isPending}>
          {webhook ? "Save changes" : "Create webhook"}
        </SubmitButton>
      </div>
    </ZodForm>
  );
}

"use client";

import type { RouterOutputs } from "@switchyard/api";
import {
  type TWebhookInput,
  WEBHOOK_EVENT_DESCRIPTIONS,
  WEBHOOK_EVENTS,
  ZWebhookInput,
} from "@switchyard/api/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { FormField, fieldProps, INPUT_CLASS } from "~/components/form/form-field";
import { ErrorNote } from "~/components/table/table-parts";
import { fieldErrorsOf, type TFieldErrors, validate } from "~/lib/trpc-error";
import { useTRPC } from "~/trpc/react";

export type TWebhookRow = RouterOutputs["webhook"]["list"]["rows"][number];
type TEvent = (typeof WEBHOOK_EVENTS)[number];

/**
 * Create or edit a webhook, checked with the procedure's own schema before sending. A new
 * webhook's secret comes back once, through onCreated.
 */
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
  const [name, setName] = useState(webhook?.name ?? "");
  const [url, setUrl] = useState(webhook?.url ?? "");
  const [isAllEvents, setIsAllEvents] = useState((webhook?.events.length ?? 0) === 0);
  const [events, setEvents] = useState<TEvent[]>((webhook?.events ?? []) as TEvent[]);
  const [clientErrors, setClientErrors] = useState<TFieldErrors>({});
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.webhook.pathKey() });
  const create = useMutation(
    trpc.webhook.create.mutationOptions({
      onSuccess: async (result) => {
        await invalidate();
        onCreated?.({ name: result.webhook.name, secret: result.secret });
      },
    }),
  );
  const update = useMutation(
    trpc.webhook.update.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        onSaved?.();
      },
    }),
  );
  const mutation = webhook ? update : create;
  const errors = { ...fieldErrorsOf(mutation.error), ...clientErrors };

  const toggle = (event: TEvent, isOn: boolean) =>
    setEvents((current) => (isOn ? [...current, event] : current.filter((e) => e !== event)));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    mutation.reset();
    if (!isAllEvents && events.length === 0) {
      setClientErrors({ events: ["Choose at least one event, or all events"] });
      return;
    }
    const checked = validate<TWebhookInput>(ZWebhookInput, {
      name,
      url,
      // Keep the canonical order, whatever order the boxes were ticked in.
      events: isAllEvents ? [] : WEBHOOK_EVENTS.filter((e) => events.includes(e)),
      enabled: webhook?.enabled ?? true,
    });
    if ("errors" in checked) return setClientErrors(checked.errors);
    setClientErrors({});
    if (webhook) {
      update.mutate({
        id: webhook.id,
        name: checked.data.name,
        url: checked.data.url,
        events: checked.data.events,
      });
    } else {
      create.mutate(checked.data);
    }
  };

  const formError =
    mutation.error && Object.keys(fieldErrorsOf(mutation.error)).length === 0 ? mutation.error : null;

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={webhook ? "Edit webhook" : "New webhook"}
      className="flex flex-col gap-4"
    >
      <FormField
        id="webhook-name"
        label="Name"
        hint="Shown in the delivery log, e.g. Ops pager"
        errors={errors.name}
      >
        <input
          {...fieldProps("webhook-name", errors.name)}
          value={name}
          onChange={(e) => setName(e.target.value)}
          className={INPUT_CLASS}
          autoComplete="off"
        />
      </FormField>
      <FormField
        id="webhook-url"
        label="Payload URL"
        hint="Receives a signed JSON POST for every event"
        errors={errors.url}
      >
        <input
          {...fieldProps("webhook-url", errors.url)}
          type="url"
          inputMode="url"
          placeholder="https://hooks.example.com/switchyard"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          className={`${INPUT_CLASS} font-mono`}
          autoComplete="off"
        />
      </FormField>
      <fieldset
        className="flex flex-col gap-2"
        aria-describedby={errors.events ? "webhook-events-error" : undefined}
      >
        <legend className="mb-1 text-xs font-medium text-muted">Events</legend>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            name="webhook-scope"
            checked={isAllEvents}
            onChange={() => setIsAllEvents(true)}
          />
          All events, including ones added later
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            name="webhook-scope"
            checked={!isAllEvents}
            onChange={() => setIsAllEvents(false)}
          />
          Only these events:
        </label>
        <div className="ml-6 flex flex-col gap-1.5">
          {WEBHOOK_EVENTS.map((event) => (
            <label
              key={event}
              className={`flex items-start gap-2 text-sm ${isAllEvents ? "opacity-50" : ""}`}
            >
              <input
                type="checkbox"
                className="mt-0.5"
                disabled={isAllEvents}
                checked={!isAllEvents && events.includes(event)}
                onChange={(e) => toggle(event, e.target.checked)}
              />
              <span>
                <span className="font-mono text-xs">{event}</span>
                <span className="block text-xs text-muted">{WEBHOOK_EVENT_DESCRIPTIONS[event]}</span>
              </span>
            </label>
          ))}
        </div>
        {errors.events || errors["events.0"] ? (
          <p id="webhook-events-error" className="text-xs text-status-bad">
            {(errors.events ?? errors["events.0"] ?? []).join(" ")}
          </p>
        ) : null}
      </fieldset>
      {formError ? <ErrorNote message={formError.message} /> : null}
      <div className="flex justify-end gap-2">
        <button
          type="button"
          onClick={onCancel}
          className="rounded-md border border-border px-3 py-1.5 text-sm"
        >
          Cancel
        </button>
        <button
          type="submit"
          disabled={mutation.isPending}
          className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60"
        >
          {mutation.isPending ? "Saving…" : webhook ? "Save changes" : "Create webhook"}
        </button>
      </div>
    </form>
  );
}

"use client";

import { CLASSIFICATIONS, ZDeclassifyInput } from "@switchyard/api/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { SelectField, SubmitButton, TextAreaField } from "~/components/form/fields";
import { useZodForm, ZodForm } from "~/components/form/zod-form";
import { useTRPC } from "~/trpc/react";

const label = (c: string) => c.charAt(0) + c.slice(1).toLowerCase();

/**
 * Asks the stewards of the model's training data to lift the rules it inherited; the request
 * waits in their approvals inbox and changes nothing until the last of them approves.
 */
export function DeclassifyForm({ modelId, onAsked }: { modelId: string; onAsked: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const state = useZodForm(ZDeclassifyInput, { id: modelId, toClassification: "INTERNAL", reason: "" });
  const ask = useMutation(
    trpc.model.declassify.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.model.pathKey() }),
      onError: (error) => state.serverError(error),
    }),
  );
  return (
    <ZodForm
      state={state}
      onSubmit={(input) =>
        ask.mutate(input, {
          onSuccess: () => {
            state.form.reset({ id: modelId, toClassification: "INTERNAL", reason: "" });
            onAsked();
          },
        })
      }
      idPrefix="declassify-"
      label="Ask to declassify"
      className="flex flex-col gap-3 rounded-lg border border-border bg-surface p-4"
    >
      <h3 className="text-sm font-semibold">Ask to declassify</h3>
      <p className="text-xs text-muted">
        Once the stewards of its training data approve, the model takes the classification you choose and no
        longer carries that data's regulations or residency.
      </p>
      <SelectField name="toClassification" label="Classification it should have">
        {CLASSIFICATIONS.map((c) => (
          <option key={c} value={c}>
            {label(c)}
          </option>
        ))}
      </SelectField>
      <TextAreaField
        name="reason"
        label="Why the model no longer carries its data's rules"
        hint="The stewards read this; it stays on the model and in the audit log."
        rows={3}
      />
      <SubmitButton pending={ask.isPending} pendingLabel="Asking…">
        Ask the stewards
      </SubmitButton>
    </ZodForm>
  );
}

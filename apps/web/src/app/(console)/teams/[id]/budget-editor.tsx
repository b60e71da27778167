"use client";

import { BUDGET_MODES, ZTeamBudgetInput } from "@switchyard/api/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { NumberField, SelectField, SubmitButton } from "~/components/form/fields";
import { useZodForm, ZodForm } from "~/components/form/zod-form";
import { useTRPC } from "~/trpc/react";

const MODE_LABEL = {
  SOFT: "Soft: warn, and ask for approval under a budget rule",
  HARD: "Hard: refuse placements over it",
};

/** Sets a team's monthly budget (empty: none) and whether it is soft or hard. */
export function BudgetEditor({
  teamId,
  current,
  onClose,
}: {
  teamId: string;
  current: { monthlyUsd: number | null; mode: "SOFT" | "HARD" };
  onClose: (saved: boolean) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const state = useZodForm(ZTeamBudgetInput, { teamId, monthlyUsd: current.monthlyUsd, mode: current.mode });
  const save = useMutation(
    trpc.team.setBudget.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.team.pathKey() });
        onClose(true);
      },
      onError: (error) => state.serverError(error),
    }),
  );
  return (
    <ZodForm
      state={state}
      onSubmit={(input) => save.mutate(input)}
      idPrefix="budget-"
      label="Monthly budget"
      className="grid gap-3 rounded-md border border-border p-3 sm:grid-cols-[1fr_2fr_auto]"
    >
      <NumberField
        name="monthlyUsd"
        label="Monthly budget (USD)"
        hint="Empty: no budget"
        empty={null}
        inputMode="decimal"
        step="0.01"
      />
      <SelectField name="mode" label="Mode">
        {BUDGET_MODES.map((m) => (
          <option key={m} value={m}>
            {MODE_LABEL[m]}
          </option>
        ))}
      </SelectField>
      <div className="flex items-end gap-2">
        <SubmitButton pending={save.isPending}>Save budget</SubmitButton>
        <button
          type="button"
          onClick={() => onClose(false)}
          className="rounded-md border border-border px-3 py-1.5 text-sm"
        >
          Cancel
        </button>
      </div>
    </ZodForm>
  );
}

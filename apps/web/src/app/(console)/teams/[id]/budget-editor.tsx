"use client";

import { BUDGET_MODES, ZTeamBudgetInput } from "@switchyard/api/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { FormField, fieldProps, INPUT_CLASS } from "~/components/form/form-field";
import { fieldErrorsOf, type TFieldErrors, validate } from "~/lib/trpc-error";
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
  const [usd, setUsd] = useState(current.monthlyUsd === null ? "" : String(current.monthlyUsd));
  const [mode, setMode] = useState(current.mode);
  const [clientErrors, setClientErrors] = useState<TFieldErrors>({});
  const save = useMutation(
    trpc.team.setBudget.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.team.pathKey() });
        onClose(true);
      },
    }),
  );
  const errors = { ...fieldErrorsOf(save.error), ...clientErrors };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(ZTeamBudgetInput, {
      teamId,
      monthlyUsd: usd.trim() === "" ? null : Number(usd),
      mode,
    });
    if ("errors" in checked) return setClientErrors(checked.errors);
    setClientErrors({});
    save.mutate(checked.data);
  };
  return (
    <form
      onSubmit={onSubmit}
      className="grid gap-3 rounded-md border border-border p-3 sm:grid-cols-[1fr_2fr_auto]"
      noValidate
    >
      <FormField
        id="budget-usd"
        label="Monthly budget (USD)"
        hint="Empty: no budget"
        errors={errors.monthlyUsd}
      >
        <input
          {...fieldProps("budget-usd", errors.monthlyUsd)}
          inputMode="decimal"
          value={usd}
          onChange={(e) => setUsd(e.target.value)}
          className={INPUT_CLASS}
        />
      </FormField>
      <FormField id="budget-mode" label="Mode" errors={errors.mode}>
        <select
          {...fieldProps("budget-mode", errors.mode)}
          value={mode}
          onChange={(e) => setMode(e.target.value as "SOFT" | "HARD")}
          className={INPUT_CLASS}
        >
          {BUDGET_MODES.map((m) => (
            <option key={m} value={m}>
              {MODE_LABEL[m]}
            </option>
          ))}
        </select>
      </FormField>
      <div className="flex items-end gap-2">
        <button
          type="submit"
          disabled={save.isPending}
          className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white"
        >
          Save budget
        </button>
        <button
          type="button"
          onClick={() => onClose(false)}
          className="rounded-md border border-border px-3 py-1.5 text-sm"
        >
          Cancel
        </button>
      </div>
      {save.error && Object.keys(fieldErrorsOf(save.error)).length === 0 ? (
        <p className="text-sm text-status-bad sm:col-span-3">{save.error.message}</p>
      ) : null}
    </form>
  );
}

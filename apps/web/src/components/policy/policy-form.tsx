"use client";

import {
  APPROVER_KINDS,
  POLICY_KINDS,
  STEWARD_POLICY_KINDS,
  type TCreatePolicyInput,
  type TPolicyKind,
  ZCreatePolicyInput,
} from "@switchyard/api/schemas";
import { ROLE_LABELS, ROLES } from "@switchyard/api/session";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useWatch } from "react-hook-form";
import {
  CheckboxField,
  NumberField,
  SelectField,
  SubmitButton,
  TextAreaField,
  TextField,
} from "~/components/form/fields";
import { useZodForm, ZodForm } from "~/components/form/zod-form";
import { useTRPC } from "~/trpc/react";
import { POLICY_KIND_LABEL, type TPolicyRow } from "./policy-labels";

const NEW_RULE: TCreatePolicyInput = {
  key: "",
  name: "",
  description: "",
  kind: "SPEND_THRESHOLD",
  enabled: true,
  approverKind: "ROLE",
  approverRole: "PLATFORM_ENGINEER",
  requiredApprovals: 1,
  thresholdUsd: null,
  stepOrder: 50,
  expiresAfterHours: 72,
};

function valuesOf(rule: TPolicyRow): TCreatePolicyInput {
  const { key, name, description, kind, enabled, approverKind, approverRole } = rule;
  const { requiredApprovals, thresholdUsd, stepOrder, expiresAfterHours } = rule;
  return {
    ...{ key, name, description, kind, enabled, approverKind, approverRole },
    ...{ requiredApprovals, thresholdUsd, stepOrder, expiresAfterHours },
  };
}

/**
 * Creates a rule, or saves an edit of one as its next version. What only the server knows
 * (a newer version saved meanwhile, a key in use, nothing changed) comes back as field or
 * form errors.
 */
export function PolicyForm({
  rule,
  onClose,
}: {
  rule?: TPolicyRow;
  onClose: (saved: { key: string; version: number } | null) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const state = useZodForm(ZCreatePolicyInput, rule ? valuesOf(rule) : NEW_RULE);
  const { control, setValue } = state.form;
  const [kind, approverKind] = useWatch({ control, name: ["kind", "approverKind"] });
  const onSuccess = async (saved: { key: string; version: number }) => {
    await queryClient.invalidateQueries({ queryKey: trpc.policy.pathKey() });
    onClose(saved);
  };
  const onError = (error: { message: string }) => state.serverError(error);
  const create = useMutation(trpc.policy.create.mutationOptions({ onSuccess, onError }));
  const update = useMutation(trpc.policy.update.mutationOptions({ onSuccess, onError }));

  return (
    <ZodForm
      state={state}
      onSubmit={(values) =>
        rule ? update.mutate({ ...values, baseVersion: rule.version }) : create.mutate(values)
      }
      idPrefix="policy-"
      label={rule ? `Edit ${rule.name}` : "New rule"}
      className="flex flex-col gap-4 p-4"
    >
      <h2 className="text-sm font-semibold">
        {rule ? `Edit “${rule.name}”: saves version ${rule.version + 1}` : "New rule"}
      </h2>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField name="name" label="Name" />
        {rule ? null : (
          <TextField
            name="key"
            label="Key"
            hint="Lowercase id that stays the same across versions, e.g. gpu-spend-50k"
          />
        )}
        <SelectField
          name="kind"
          label="Applies to"
          hint={rule ? "A rule keeps what it is about; create a new rule for something else." : undefined}
          disabled={Boolean(rule)}
          onChange={(event) => {
            const next = event.target.value as TPolicyKind;
            // Only spend rules have a threshold; stewards only exist for rules about a dataset.
            if (next !== "SPEND_THRESHOLD") setValue("thresholdUsd", null);
            if (!STEWARD_POLICY_KINDS.includes(next)) setValue("approverKind", "ROLE");
          }}
        >
          {POLICY_KINDS.map((k) => (
            <option key={k} value={k}>
              {POLICY_KIND_LABEL[k]}
            </option>
          ))}
        </SelectField>
        {kind === "SPEND_THRESHOLD" ? (
          <NumberField
            name="thresholdUsd"
            label="Threshold (USD)"
            hint="Requests whose estimated spend is above this need approval"
            empty={null}
            step="0.01"
          />
        ) : null}
        <SelectField
          name="approverKind"
          label="Approvers"
          onChange={(event) => {
            if (event.target.value !== "ROLE") setValue("approverRole", null);
          }}
        >
          {APPROVER_KINDS.map((k) => (
            <option
              key={k}
              value={k}
              disabled={k === "DATASET_STEWARDS" && !STEWARD_POLICY_KINDS.includes(kind)}
            >
              {k === "DATASET_STEWARDS" ? "The dataset's stewards" : "Everyone with a role"}
            </option>
          ))}
        </SelectField>
        {approverKind === "ROLE" ? (
          <SelectField name="approverRole" label="Approver role" emptyAs={null}>
            <option value="">Choose a role</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </SelectField>
        ) : null}
        <NumberField name="requiredApprovals" label="Approvals needed" hint="1 to 5 different people" />
        <NumberField
          name="expiresAfterHours"
          label="Expires after (hours)"
          hint="An undecided request expires; 1 to 720"
        />
        <NumberField name="stepOrder" label="Step order" hint="Lower steps are decided first; 0 to 1,000" />
      </div>
      <TextAreaField name="description" label="Description" rows={2} />
      <CheckboxField name="enabled" label="Enabled: new requests are checked against this rule" />
      <div className="flex items-center gap-2">
        <SubmitButton pending={create.isPending || update.isPending}>
          {rule ? `Save version ${rule.version + 1}` : "Create rule"}
        </SubmitButton>
        <button
          type="button"
          onClick={() => onClose(null)}
          className="rounded-md px-3 py-1.5 text-sm text-muted hover:text-foreground"
        >
          Cancel
        </button>
      </div>
    </ZodForm>
  );
}

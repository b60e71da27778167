"use client";

import {
  APPROVER_KINDS,
  POLICY_KINDS,
  STEWARD_POLICY_KINDS,
  type TPolicyKind,
  type TPolicyRule,
  ZCreatePolicyInput,
  ZUpdatePolicyInput,
} from "@switchyard/api/schemas";
import { ROLE_LABELS, ROLES, type TRole } from "@switchyard/api/session";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { FormField, fieldProps, INPUT_CLASS } from "~/components/form/form-field";
import { fieldErrorsOf, type TFieldErrors, validate } from "~/lib/trpc-error";
import { useTRPC } from "~/trpc/react";
import { POLICY_KIND_LABEL, type TPolicyRow } from "./policy-labels";

/** Form state: numbers as typed, so an emptied field reads as missing rather than 0. */
type TValues = {
  key: string;
  name: string;
  description: string;
  kind: TPolicyKind;
  enabled: boolean;
  approverKind: TPolicyRule["approverKind"];
  approverRole: TRole | "";
  requiredApprovals: string;
  thresholdUsd: string;
  stepOrder: string;
  expiresAfterHours: string;
};

const NEW_RULE: TValues = {
  key: "",
  name: "",
  description: "",
  kind: "SPEND_THRESHOLD",
  enabled: true,
  approverKind: "ROLE",
  approverRole: "PLATFORM_ENGINEER",
  requiredApprovals: "1",
  thresholdUsd: "",
  stepOrder: "50",
  expiresAfterHours: "72",
};

function valuesOf(rule: TPolicyRow): TValues {
  return {
    key: rule.key,
    name: rule.name,
    description: rule.description,
    kind: rule.kind,
    enabled: rule.enabled,
    approverKind: rule.approverKind,
    approverRole: rule.approverRole ?? "",
    requiredApprovals: String(rule.requiredApprovals),
    thresholdUsd: rule.thresholdUsd === null ? "" : String(rule.thresholdUsd),
    stepOrder: String(rule.stepOrder),
    expiresAfterHours: String(rule.expiresAfterHours),
  };
}

const numberOrUndefined = (value: string) => (value.trim() === "" ? undefined : Number(value));

/** What the procedures take: fields that do not apply to the kind or approver are sent empty. */
function inputOf(values: TValues) {
  return {
    ...values,
    approverRole: values.approverKind === "ROLE" && values.approverRole !== "" ? values.approverRole : null,
    requiredApprovals: numberOrUndefined(values.requiredApprovals),
    thresholdUsd: values.kind === "SPEND_THRESHOLD" ? (numberOrUndefined(values.thresholdUsd) ?? null) : null,
    stepOrder: numberOrUndefined(values.stepOrder),
    expiresAfterHours: numberOrUndefined(values.expiresAfterHours),
  };
}

/**
 * Creates a rule, or saves an edit of one as its next version. Checks with the procedure's
 * own schema before sending; what only the server knows (a newer version saved meanwhile, a
 * key in use, nothing changed) comes back as field or form errors.
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
  const [values, setValues] = useState<TValues>(() => (rule ? valuesOf(rule) : NEW_RULE));
  const [clientErrors, setClientErrors] = useState<TFieldErrors>({});
  const onSuccess = async (saved: { key: string; version: number }) => {
    await queryClient.invalidateQueries({ queryKey: trpc.policy.pathKey() });
    onClose(saved);
  };
  const create = useMutation(trpc.policy.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.policy.update.mutationOptions({ onSuccess }));
  const mutation = rule ? update : create;
  const serverErrors = fieldErrorsOf(mutation.error);
  const errors: TFieldErrors = { ...serverErrors, ...clientErrors };
  // Errors about no single field (nothing changed, a newer version) are shown above the form.
  const formError =
    Object.keys(clientErrors).length > 0
      ? "Some fields need attention."
      : mutation.error && (Object.keys(serverErrors).length === 0 || serverErrors.baseVersion)
        ? mutation.error.message
        : null;

  const set = <K extends keyof TValues>(key: K, value: TValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    mutation.reset();
    if (rule) {
      const checked = validate(ZUpdatePolicyInput, { ...inputOf(values), baseVersion: rule.version });
      if ("errors" in checked) return setClientErrors(checked.errors);
      setClientErrors({});
      update.mutate(checked.data);
    } else {
      const checked = validate(ZCreatePolicyInput, inputOf(values));
      if ("errors" in checked) return setClientErrors(checked.errors);
      setClientErrors({});
      create.mutate(checked.data);
    }
  }

  const text = (key: "key" | "name", label: string, hint?: string) => (
    <FormField id={`policy-${key}`} label={label} hint={hint} errors={errors[key]}>
      <input
        {...fieldProps(`policy-${key}`, errors[key])}
        value={values[key]}
        onChange={(e) => set(key, e.target.value)}
        className={INPUT_CLASS}
      />
    </FormField>
  );
  const num = (
    key: "requiredApprovals" | "thresholdUsd" | "stepOrder" | "expiresAfterHours",
    label: string,
    hint?: string,
  ) => (
    <FormField id={`policy-${key}`} label={label} hint={hint} errors={errors[key]}>
      <input
        {...fieldProps(`policy-${key}`, errors[key])}
        type="number"
        step={key === "thresholdUsd" ? "0.01" : "1"}
        value={values[key]}
        onChange={(e) => set(key, e.target.value)}
        className={INPUT_CLASS}
      />
    </FormField>
  );

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={rule ? `Edit ${rule.name}` : "New rule"}
      className="flex flex-col gap-4 p-4"
    >
      <h2 className="text-sm font-semibold">
        {rule ? `Edit “${rule.name}”: saves version ${rule.version + 1}` : "New rule"}
      </h2>
      {formError ? (
        <p
          role="status"
          className="rounded-md bg-status-bad/10 px-3 py-2 text-sm text-status-bad"
          data-testid="form-error"
        >
          {formError}
        </p>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        {text("name", "Name")}
        {rule
          ? null
          : text("key", "Key", "Lowercase id that stays the same across versions, e.g. gpu-spend-50k")}
        <FormField
          id="policy-kind"
          label="Applies to"
          hint={rule ? "A rule keeps what it is about; create a new rule for something else." : undefined}
          errors={errors.kind}
        >
          <select
            {...fieldProps("policy-kind", errors.kind)}
            value={values.kind}
            disabled={Boolean(rule)}
            onChange={(e) => {
              const kind = e.target.value as TPolicyKind;
              setValues((v) => ({
                ...v,
                kind,
                // Stewards only exist for rules about a dataset.
                approverKind: STEWARD_POLICY_KINDS.includes(kind) ? v.approverKind : "ROLE",
              }));
            }}
            className={INPUT_CLASS}
          >
            {POLICY_KINDS.map((k) => (
              <option key={k} value={k}>
                {POLICY_KIND_LABEL[k]}
              </option>
            ))}
          </select>
        </FormField>
        {values.kind === "SPEND_THRESHOLD"
          ? num(
              "thresholdUsd",
              "Threshold (USD)",
              "Requests whose estimated spend is above this need approval",
            )
          : null}
        <FormField id="policy-approverKind" label="Approvers" errors={errors.approverKind}>
          <select
            {...fieldProps("policy-approverKind", errors.approverKind)}
            value={values.approverKind}
            onChange={(e) => set("approverKind", e.target.value as TValues["approverKind"])}
            className={INPUT_CLASS}
          >
            {APPROVER_KINDS.map((k) => (
              <option
                key={k}
                value={k}
                disabled={k === "DATASET_STEWARDS" && !STEWARD_POLICY_KINDS.includes(values.kind)}
              >
                {k === "DATASET_STEWARDS" ? "The dataset's stewards" : "Everyone with a role"}
              </option>
            ))}
          </select>
        </FormField>
        {values.approverKind === "ROLE" ? (
          <FormField id="policy-approverRole" label="Approver role" errors={errors.approverRole}>
            <select
              {...fieldProps("policy-approverRole", errors.approverRole)}
              value={values.approverRole}
              onChange={(e) => set("approverRole", e.target.value as TValues["approverRole"])}
              className={INPUT_CLASS}
            >
              <option value="">Choose a role</option>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </select>
          </FormField>
        ) : null}
        {num("requiredApprovals", "Approvals needed", "1 to 5 different people")}
        {num("expiresAfterHours", "Expires after (hours)", "An undecided request expires; 1 to 720")}
        {num("stepOrder", "Step order", "Lower steps are decided first; 0 to 1,000")}
      </div>
      <FormField id="policy-description" label="Description" errors={errors.description}>
        <textarea
          {...fieldProps("policy-description", errors.description)}
          rows={2}
          value={values.description}
          onChange={(e) => set("description", e.target.value)}
          className={INPUT_CLASS}
        />
      </FormField>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={values.enabled} onChange={(e) => set("enabled", e.target.checked)} />
        Enabled: new requests are checked against this rule
      </label>
      <div className="flex items-center gap-2">
        <button
          type="submit"
          disabled={mutation.isPending}
          className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent/90 disabled:opacity-50"
        >
          {mutation.isPending ? "Saving…" : rule ? `Save version ${rule.version + 1}` : "Create rule"}
        </button>
        <button
          type="button"
          onClick={() => onClose(null)}
          className="rounded-md px-3 py-1.5 text-sm text-muted hover:text-foreground"
        >
          Cancel
        </button>
      </div>
    </form>
  );
}

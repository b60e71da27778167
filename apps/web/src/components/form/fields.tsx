"use client";

import { ROLE_LABELS, ROLES } from "@switchyard/api/session";
import {
  type ComponentProps,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  useContext,
  useState,
} from "react";
import { Controller, type RegisterOptions, useFormContext } from "react-hook-form";
import { FormField, fieldProps, INPUT_CLASS } from "./form-field";
import { errorAt, FieldIdPrefix } from "./zod-form";

/**
 * Fields of a <ZodForm>: each takes its value, errors (in the message table's words, next to
 * it, tied by aria-invalid and aria-describedby) and id from the form, so a form reads as its
 * fields.
 */
function useField(name: string) {
  const context = useFormContext();
  const id = `${useContext(FieldIdPrefix)}${name}`;
  const errors = errorAt(context.formState.errors, name);
  return { ...context, id, errors, aria: fieldProps(id, errors) };
}

type TFieldProps = { name: string; label: string; hint?: string };

export function TextField({
  name,
  label,
  hint,
  className = "",
  ...input
}: TFieldProps & Omit<InputHTMLAttributes<HTMLInputElement>, "name">) {
  const { register, id, errors, aria } = useField(name);
  return (
    <FormField id={id} label={label} hint={hint} errors={errors}>
      <input {...input} {...register(name)} {...aria} className={`${INPUT_CLASS} ${className}`} />
    </FormField>
  );
}

/** A number as typed; an emptied box is `empty` (undefined: "Fill this in", or null for optional). */
export function NumberField({
  name,
  label,
  hint,
  empty = undefined,
  ...input
}: TFieldProps & { empty?: null | undefined } & Omit<InputHTMLAttributes<HTMLInputElement>, "name">) {
  const { register, id, errors, aria } = useField(name);
  const options: RegisterOptions = {
    setValueAs: (value: unknown) =>
      value === "" || value === null || value === undefined ? empty : Number(value),
  };
  return (
    <FormField id={id} label={label} hint={hint} errors={errors}>
      <input {...input} type="number" {...register(name, options)} {...aria} className={INPUT_CLASS} />
    </FormField>
  );
}

export function TextAreaField({
  name,
  label,
  hint,
  className = "",
  ...input
}: TFieldProps & Omit<ComponentProps<"textarea">, "name">) {
  const { register, id, errors, aria } = useField(name);
  return (
    <FormField id={id} label={label} hint={hint} errors={errors}>
      <textarea {...input} {...register(name)} {...aria} className={`${INPUT_CLASS} ${className}`} />
    </FormField>
  );
}

const emptyAsNull = (value: string) => (value === "" ? null : value);

/** A choice; `emptyAs: null` sends the empty first option ("Choose…") as null, `parse` reads any other. */
export function SelectField({
  name,
  label,
  hint,
  emptyAs,
  parse = emptyAs === null ? emptyAsNull : undefined,
  children,
  ...select
}: TFieldProps & { emptyAs?: null; parse?: (value: string) => unknown; children: ReactNode } & Omit<
    SelectHTMLAttributes<HTMLSelectElement>,
    "name"
  >) {
  const { register, id, errors, aria } = useField(name);
  const registered = register(
    name,
    parse ? { setValueAs: (value: unknown) => parse(String(value)) } : undefined,
  );
  return (
    <FormField id={id} label={label} hint={hint} errors={errors}>
      <select
        {...select}
        {...registered}
        {...aria}
        onChange={(event) => {
          void registered.onChange(event);
          select.onChange?.(event);
        }}
        className={INPUT_CLASS}
      >
        {children}
      </select>
    </FormField>
  );
}

/** A person's or service account's role (field `role`). */
export function RoleField({ hint }: { hint?: string }) {
  return (
    <SelectField name="role" label="Role" hint={hint}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {ROLE_LABELS[r]}
        </option>
      ))}
    </SelectField>
  );
}

/** The error line of a field that is not a FormField (a checkbox, a group, a table cell). */
export function FieldError({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors || errors.length === 0) return null;
  return (
    <p id={`${id}-error`} className="text-xs text-status-bad">
      {errors.join(" ")}
    </p>
  );
}

export function CheckboxField({ name, label }: { name: string; label: ReactNode }) {
  const { register, id, errors, aria } = useField(name);
  return (
    <div className="flex flex-col gap-1">
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" {...register(name)} {...aria} />
        {label}
      </label>
      <FieldError id={id} errors={errors} />
    </div>
  );
}

export type TChoice = { value: string; label: ReactNode; hint?: ReactNode; disabled?: boolean };

/** A list of values chosen with checkboxes, kept in the order of `choices`. */
export function CheckboxGroupField({
  name,
  legend,
  choices,
  disabled,
  listClassName = "flex flex-col gap-1.5",
  children,
}: {
  name: string;
  legend: string;
  choices: TChoice[];
  disabled?: boolean;
  /** The layout of the boxes (a column unless told). */
  listClassName?: string;
  /** Shown under the boxes, before the error. */
  children?: ReactNode;
}) {
  const { control, id, errors } = useField(name);
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => {
        const value = (field.value ?? []) as string[];
        const toggle = (choice: string) => {
          const next = value.includes(choice) ? value.filter((v) => v !== choice) : [...value, choice];
          field.onChange(choices.map((c) => c.value).filter((v) => next.includes(v)));
        };
        return (
          <fieldset
            id={id}
            // A group's name places its errors on it even before its choices have loaded.
            name={field.name}
            className="flex flex-col gap-1.5"
            aria-invalid={errors ? true : undefined}
            aria-describedby={errors ? `${id}-error` : undefined}
          >
            <legend className="mb-1 text-xs font-medium text-muted">{legend}</legend>
            <div className={listClassName}>
              {choices.map((choice) => (
                <label
                  key={choice.value}
                  className={`flex items-start gap-2 text-sm ${disabled ? "opacity-50" : ""}`}
                >
                  <input
                    type="checkbox"
                    className="mt-1"
                    name={field.name}
                    disabled={disabled || choice.disabled}
                    checked={!disabled && value.includes(choice.value)}
                    onChange={() => toggle(choice.value)}
                    onBlur={field.onBlur}
                  />
                  <span>
                    {choice.label}
                    {choice.hint ? <span className="block text-xs text-muted">{choice.hint}</span> : null}
                  </span>
                </label>
              ))}
            </div>
            {children}
            <FieldError id={id} errors={errors} />
          </fieldset>
        );
      }}
    />
  );
}

/** Codes typed as "GDPR, HIPAA": kept as the person typed them, sent as a list. */
export function CodeListField({
  name,
  label,
  hint,
  placeholder,
  upperCase = false,
}: TFieldProps & { placeholder?: string; upperCase?: boolean }) {
  const { control, id, errors, aria } = useField(name);
  return (
    <FormField id={id} label={label} hint={hint} errors={errors}>
      <Controller
        control={control}
        name={name}
        render={({ field }) => (
          <CodeListInput
            {...aria}
            name={field.name}
            ref={field.ref}
            value={field.value as string[]}
            onChange={field.onChange}
            onBlur={field.onBlur}
            placeholder={placeholder}
            upperCase={upperCase}
          />
        )}
      />
    </FormField>
  );
}

function CodeListInput({
  value,
  onChange,
  upperCase,
  ...input
}: {
  value: string[];
  onChange: (codes: string[]) => void;
  upperCase: boolean;
} & Omit<ComponentProps<"input">, "value" | "onChange">) {
  const [text, setText] = useState(value.join(", "));
  return (
    <input
      {...input}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(
          e.target.value
            .split(",")
            .map((code) => (upperCase ? code.trim().toUpperCase() : code.trim()))
            .filter(Boolean),
        );
      }}
      className={INPUT_CLASS}
    />
  );
}

export const PRIMARY_BUTTON =
  "rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-on-accent hover:bg-accent/90 disabled:opacity-50";

/** The submit button: disabled while the call runs, saying so. */
export function SubmitButton({
  pending,
  pendingLabel = "Saving…",
  children,
  className = "",
}: {
  pending: boolean;
  pendingLabel?: string;
  children: ReactNode;
  className?: string;
}) {
  return (
    <button type="submit" disabled={pending} className={`${PRIMARY_BUTTON} ${className}`}>
      {pending ? pendingLabel : children}
    </button>
  );
}

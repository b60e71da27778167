"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { humanFieldErrors, type TFieldErrors } from "@switchyard/api/schemas";
import { createContext, type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import {
  type Control,
  type DefaultValues,
  type FieldErrors,
  type FieldPath,
  type FieldValues,
  FormProvider,
  get,
  type Resolver,
  type UseFormReturn,
  useForm,
  useWatch,
} from "react-hook-form";
import type { z } from "zod";
import { fieldErrorsOf } from "~/lib/trpc-error";

/**
 * The console's form layer: react-hook-form with the procedure's own zod schema as the
 * resolver, so the browser refuses exactly what the server would, in the same words (the
 * message table of @switchyard/api). `serverError` puts a failed call's field errors next to
 * their fields and keeps a banner only for what belongs to no field. After a refused submit,
 * <ZodForm> scrolls to and focuses the first bad field in page order.
 */
export function useZodForm<TSchema extends z.ZodType<FieldValues, FieldValues>>(
  schema: TSchema,
  defaultValues: DefaultValues<z.input<TSchema>>,
) {
  const form = useForm<z.input<TSchema>, unknown, z.output<TSchema>>({
    // zodResolver's overloads cannot follow a generic schema; the schema's own types are the truth.
    resolver: zodResolver(schema) as unknown as Resolver<z.input<TSchema>, unknown, z.output<TSchema>>,
    defaultValues,
    // <ZodForm> focuses in page order, which registration order is not for conditional fields.
    shouldFocusError: false,
  });
  const [banner, setBanner] = useState<string | null>(null);
  const [focusRequest, setFocusRequest] = useState(0);
  const requestFocus = () => setFocusRequest((n) => n + 1);

  /** Shows a failed call: field errors on their fields (`prefix`, e.g. "data.", dropped). */
  function serverError(error: { message: string }, prefix = "") {
    const fields = Object.entries(fieldErrorsOf(error)).map(
      ([path, messages]) => [path.startsWith(prefix) ? path.slice(prefix.length) : path, messages] as const,
    );
    const known = fields.filter(([path]) => path !== "" && path !== "_");
    for (const [path, messages] of known)
      form.setError(path as FieldPath<z.input<TSchema>>, { type: "server", message: messages.join(" ") });
    setBanner(known.length > 0 && known.length === fields.length ? null : error.message);
    requestFocus();
  }

  return { form, banner, setBanner, serverError, focusRequest, requestFocus };
}

/**
 * The form's values read by a schema as the person types, for what follows the form live (a
 * preview): `{ data }` when they pass, else `{ errors }` by path in the message table's words,
 * so nothing runs on, or keeps an answer for, input that the submit would refuse.
 */
export function useParsedValues<TIn extends FieldValues, TOut>(
  control: Control<TIn, unknown, TOut>,
  schema: z.ZodType<TOut, TIn>,
): { data: TOut } | { errors: TFieldErrors } {
  const values = useWatch({ control });
  return useMemo(() => {
    const parsed = schema.safeParse(values);
    return parsed.success ? { data: parsed.data } : { errors: humanFieldErrors(parsed.error.issues) };
  }, [schema, values]);
}

export type TZodForm<TIn extends FieldValues, TOut> = {
  form: UseFormReturn<TIn, unknown, TOut>;
  banner: string | null;
  setBanner: (banner: string | null) => void;
  focusRequest: number;
  requestFocus: () => void;
};

/** Prefix of the ids of a form's controls, so two forms on one page never share an id. */
export const FieldIdPrefix = createContext("");

const CONTROL = "input:not([type=hidden]):not(:disabled), select:not(:disabled), textarea:not(:disabled)";

/** Scrolls to and focuses the first control marked invalid (or the first control of a marked group). */
function focusFirstInvalid(form: HTMLFormElement | null) {
  const marked = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
  if (!marked) return;
  const target = marked.matches(CONTROL) ? marked : (marked.querySelector<HTMLElement>(CONTROL) ?? marked);
  target.scrollIntoView({ block: "center" });
  target.focus({ preventScroll: true });
}

/**
 * A form on the layer: its fields (components/form/fields) read their state from it, the banner
 * shows what belongs to no field, and a refused submit focuses the first bad field.
 */
export function ZodForm<TIn extends FieldValues, TOut>({
  state,
  onSubmit,
  idPrefix = "",
  label,
  className,
  children,
}: {
  state: TZodForm<TIn, TOut>;
  onSubmit: (values: TOut) => void;
  idPrefix?: string;
  label: string;
  className?: string;
  children: ReactNode;
}) {
  const { form, banner, setBanner, focusRequest, requestFocus } = state;
  const ref = useRef<HTMLFormElement>(null);
  const { errors } = form.formState;
  // The request each focus answered: react-hook-form publishes a refused submit's errors after
  // onInvalid, so the focus waits for them, and only a new request (a refused submit, a server
  // error) moves it, never a change of errors while the person types.
  const answered = useRef(0);
  useEffect(() => {
    if (focusRequest === answered.current || !ref.current || Object.keys(errors).length === 0) return;
    answered.current = focusRequest;
    // An error about something the form does not show (a version edited meanwhile) goes above it.
    const unplaced = Object.keys(errors).filter(
      (name) => !ref.current?.querySelector(`[name="${name}"], [name^="${name}."]`),
    );
    const messages = unplaced.flatMap((name) => errorAt(errors, name) ?? []);
    if (messages.length > 0) setBanner(messages.join(" "));
    focusFirstInvalid(ref.current);
  }, [focusRequest, errors, setBanner]);
  const submit = form.handleSubmit(
    (values) => {
      setBanner(null);
      onSubmit(values);
    },
    () => {
      setBanner(null);
      requestFocus();
    },
  );
  return (
    <FormProvider {...form}>
      <FieldIdPrefix.Provider value={idPrefix}>
        <form ref={ref} onSubmit={submit} noValidate aria-label={label} className={className}>
          {banner ? (
            <p
              role="alert"
              data-testid="form-error"
              className="rounded-md bg-status-bad/10 px-3 py-2 text-sm text-status-bad"
            >
              {banner}
            </p>
          ) : null}
          {children}
        </form>
      </FieldIdPrefix.Provider>
    </FormProvider>
  );
}

type TErrorNode = { message?: unknown; [key: string]: unknown } | TErrorNode[] | undefined;

function messagesIn(node: TErrorNode, into: string[]) {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node) messagesIn(item, into);
    return;
  }
  if (typeof node.message === "string" && node.message) into.push(node.message);
  for (const [key, value] of Object.entries(node))
    if (key !== "message" && key !== "ref" && key !== "type" && key !== "types")
      messagesIn(value as TErrorNode, into);
}

/** The messages of a field's errors and of its parts (a list's items, a record's entries), once each. */
export function errorAt<T extends FieldValues>(errors: FieldErrors<T>, name: string): string[] | undefined {
  const messages: string[] = [];
  messagesIn(get(errors, name) as TErrorNode, messages);
  return messages.length > 0 ? [...new Set(messages)] : undefined;
}

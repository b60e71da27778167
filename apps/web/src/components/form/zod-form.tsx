"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import {
  type DefaultValues,
  type FieldErrors,
  type FieldPath,
  type FieldValues,
  type Resolver,
  type UseFormReturn,
  useForm,
} from "react-hook-form";
import type { z } from "zod";
import { fieldErrorsOf } from "~/lib/trpc-error";

/**
 * The console's form layer: react-hook-form with the procedure's own zod schema as the
 * resolver, so the browser refuses exactly what the server would, with the same words.
 * `serverError` puts a failed call's field errors next to their fields (focusing the first)
 * and keeps a banner only for what belongs to no field.
 */
export function useZodForm<TSchema extends z.ZodType<FieldValues, FieldValues>>(
  schema: TSchema,
  defaultValues: DefaultValues<z.input<TSchema>>,
) {
  const form = useForm<z.input<TSchema>, unknown, z.output<TSchema>>({
    // zodResolver's overloads cannot follow a generic schema; the schema's own types are the truth.
    resolver: zodResolver(schema) as unknown as Resolver<z.input<TSchema>, unknown, z.output<TSchema>>,
    defaultValues,
    shouldFocusError: true,
  });
  const [banner, setBanner] = useState<string | null>(null);

  /** Shows a failed call: field errors on their fields ("data." prefixes of update inputs dropped). */
  function serverError(error: { message: string }, prefix = "") {
    const fields = Object.entries(fieldErrorsOf(error)).map(
      ([path, messages]) => [path.startsWith(prefix) ? path.slice(prefix.length) : path, messages] as const,
    );
    const known = fields.filter(([path]) => path !== "" && path !== "_");
    for (const [path, messages] of known)
      form.setError(path as FieldPath<z.input<TSchema>>, { type: "server", message: messages.join(" ") });
    const first = known[0]?.[0];
    if (first) form.setFocus(first.split(".")[0] as FieldPath<z.input<TSchema>>);
    setBanner(known.length > 0 && known.length === fields.length ? null : error.message);
  }

  return { form, banner, setBanner, serverError };
}

/** The message of a field's error, looked up by its path (arrays report on the array or an item). */
export function errorAt<T extends FieldValues>(errors: FieldErrors<T>, name: string): string[] | undefined {
  const entry = (errors as Record<string, unknown>)[name] as
    | { message?: string; root?: { message?: string } }
    | Array<{ message?: string } | undefined>
    | undefined;
  if (!entry) return undefined;
  if (Array.isArray(entry)) {
    const messages = entry.flatMap((item) => (item?.message ? [item.message] : []));
    return messages.length > 0 ? [...new Set(messages)] : undefined;
  }
  const message = entry.message ?? entry.root?.message;
  return message ? [message] : undefined;
}

export type TZodForm<T extends FieldValues> = UseFormReturn<T>;

import { humanFieldErrors, type TFieldErrors } from "@switchyard/api/schemas";
import type { ZodType } from "zod";

export type { TFieldErrors };

/** The per-field messages of a failed procedure call (zod issues or an AppError's field). */
export function fieldErrorsOf(error: unknown): TFieldErrors {
  const data = (error as { data?: { fieldErrors?: TFieldErrors | null } } | null)?.data;
  return data?.fieldErrors ?? {};
}

/** Checks form values with the procedure's own schema before sending them. */
export function validate<T>(schema: ZodType<T>, values: unknown): { data: T } | { errors: TFieldErrors } {
  const result = schema.safeParse(values);
  if (result.success) return { data: result.data };
  return { errors: humanFieldErrors(result.error.issues) };
}

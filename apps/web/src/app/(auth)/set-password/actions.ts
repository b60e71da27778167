"use server";

import { AppError } from "@switchyard/api";
import { setPasswordWithToken } from "@switchyard/api/auth";
import { getPrisma } from "@switchyard/db";

export type TSetPasswordState = { error: string | null; field: string | null; doneFor: string | null };

/** Sets a password with a one-time link's token (no session: the token is the authority). */
export async function setPasswordAction(
  _previous: TSetPasswordState,
  form: FormData,
): Promise<TSetPasswordState> {
  const token = String(form.get("token") ?? "");
  const password = String(form.get("password") ?? "");
  if (password !== String(form.get("confirm") ?? ""))
    return { error: "The two passwords differ.", field: "confirm", doneFor: null };
  try {
    const { email } = await setPasswordWithToken(await getPrisma(), { token, password });
    return { error: null, field: null, doneFor: email };
  } catch (error) {
    if (error instanceof AppError)
      return { error: error.userMessage, field: error.field ?? null, doneFor: null };
    throw error;
  }
}

import { type RefObject, useEffect } from "react";

/**
 * After each new set of errors, scrolls to and focuses the form's first control marked
 * aria-invalid, in page order. When no control is marked (every error is about something the
 * form does not show), `onNoField` gets the messages for a banner.
 */
export function useFocusFirstError(
  formRef: RefObject<HTMLElement | null>,
  errors: Record<string, string[] | undefined>,
  onNoField?: (messages: string[]) => void,
) {
  useEffect(() => {
    const messages = Object.values(errors).flatMap((m) => m ?? []);
    if (messages.length === 0) return;
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (first) {
      first.scrollIntoView({ block: "center" });
      first.focus({ preventScroll: true });
    } else onNoField?.(messages);
  }, [errors, formRef, onNoField]);
}

/**
 * What a plugin tells the pipeline. The pipeline's reaction to each code:
 *
 * - `success`: the site (or request) passed; go on to the next plugin.
 * - `unschedulable`: rejected for now; it could fit later, e.g. when capacity frees up or
 *   quota is returned. The site is rejected with the reasons; a batch may revisit it.
 * - `unresolvable`: rejected for good: wrong GPU model, data residency, certification.
 *   Nothing short of changing the request or the estate makes the site fit.
 * - `skip`: from preFilter/preScore, the plugin has nothing to check this cycle (no
 *   latency SLO, no datasets) and its filter/score is not called; from filter, same as
 *   success.
 * - `error`: a bug or inconsistent input inside a plugin. The site is rejected with the
 *   message so the result still explains itself; nothing is thrown.
 */
export type TStatusCode = "success" | "unschedulable" | "unresolvable" | "skip" | "error";

export type TStatusReason = {
  /** Short and shared across sites so rejections aggregate: "no free H100 ×8". */
  readonly message: string;
  /** Site-specific figures: "most free on one node: 4". */
  readonly detail?: string;
};

export type TStatus = {
  readonly code: TStatusCode;
  readonly reasons: readonly TStatusReason[];
};

const SUCCESS: TStatus = Object.freeze({ code: "success", reasons: Object.freeze([]) });
const SKIP: TStatus = Object.freeze({ code: "skip", reasons: Object.freeze([]) });

export function success(): TStatus {
  return SUCCESS;
}

export function skip(): TStatus {
  return SKIP;
}

export function unschedulable(message: string, detail?: string): TStatus {
  return { code: "unschedulable", reasons: [reason(message, detail)] };
}

export function unresolvable(message: string, detail?: string): TStatus {
  return { code: "unresolvable", reasons: [reason(message, detail)] };
}

export function errorStatus(message: string, detail?: string): TStatus {
  return { code: "error", reasons: [reason(message, detail)] };
}

/** Combines several rejections; unresolvable only when every part is unresolvable. */
export function mergeRejections(statuses: readonly TStatus[]): TStatus {
  const rejections = statuses.filter((s) => isRejection(s.code));
  if (rejections.length === 0) return SUCCESS;
  if (rejections.length === 1) return rejections[0] as TStatus;
  const code = rejections.some((s) => s.code === "error")
    ? "error"
    : rejections.every((s) => s.code === "unresolvable")
      ? "unresolvable"
      : "unschedulable";
  return { code, reasons: rejections.flatMap((s) => s.reasons) };
}

export function isRejection(code: TStatusCode): boolean {
  return code === "unschedulable" || code === "unresolvable" || code === "error";
}

function reason(message: string, detail: string | undefined): TStatusReason {
  return detail === undefined ? { message } : { message, detail };
}

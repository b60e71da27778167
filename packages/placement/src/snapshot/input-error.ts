import type { z } from "zod";

export type TInputIssue = { path: string; message: string };

/**
 * Thrown at the package boundary when a snapshot, request or policy is malformed or
 * impossible (0 GPUs, unknown GPU model, a reference to a missing site or dataset).
 * `issues` lists every bad field, not only the first. Callers map it to a 400/422;
 * a workload that merely fits nowhere is a normal result, never this error.
 */
export class PlacementInputError extends Error {
  readonly code = "INVALID_REQUEST";
  readonly issues: readonly TInputIssue[];

  constructor(issues: readonly TInputIssue[]) {
    const head = issues
      .slice(0, 5)
      .map((issue) => `${issue.path || "(root)"}: ${issue.message}`)
      .join("; ");
    const more = issues.length > 5 ? `; and ${issues.length - 5} more` : "";
    super(`Invalid placement input: ${head}${more}`);
    this.name = "PlacementInputError";
    this.issues = issues;
  }
}

export function toInputIssues(error: z.ZodError, prefix = ""): TInputIssue[] {
  return error.issues.map((issue) => ({
    path: joinPath(prefix, issue.path.map(String).join(".")),
    message: issue.message,
  }));
}

export function joinPath(prefix: string, path: string): string {
  if (prefix === "") return path;
  return path === "" ? prefix : `${prefix}.${path}`;
}

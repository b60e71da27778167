import type { TRole } from "@switchyard/api/session";

/** Roles that change the estate (nodes, quotas); the server enforces the same rule. */
export const isEstateEditor = (role: TRole | undefined) => role === "ADMIN" || role === "PLATFORM_ENGINEER";

/** Roles that may register datasets (a steward then stewards it); the server enforces the same rule. */
export const isDatasetEditor = (role: TRole | undefined) => isEstateEditor(role) || role === "DATA_STEWARD";

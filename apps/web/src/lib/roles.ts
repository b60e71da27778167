import type { TRole } from "@switchyard/api/session";

/** Roles that change the estate (nodes, quotas); the server enforces the same rule. */
export const isEstateEditor = (role: TRole | undefined) => role === "ADMIN" || role === "PLATFORM_ENGINEER";

import type { TRole } from "@switchyard/api/session";

/** Mirrors estateEditorProcedure: the server enforces it, the console only hides controls. */
export const canEditEstate = (role: TRole) => role === "ADMIN" || role === "PLATFORM_ENGINEER";

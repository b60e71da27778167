import type { z } from "zod";
import { ZPageInput } from "../../lib/pagination.ts";

export const TEAM_SORT_KEYS = ["name", "slug", "createdAt"] as const;

export const ZListTeamsInput = ZPageInput(TEAM_SORT_KEYS, "name");
export type TListTeamsInput = z.infer<typeof ZListTeamsInput>;

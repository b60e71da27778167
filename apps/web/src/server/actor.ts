import "server-only";
import type { TActor } from "@switchyard/api/rules";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getSessionUser } from "./auth";
import { getServerApi } from "./trpc";

/**
 * The signed-in user as the permission rules (@switchyard/api/rules) see them: role and teams,
 * the teams read through `me.get`, so the console decides with what the server decides with.
 */
export const getActor = cache(async (): Promise<TActor> => {
  const [api, user] = await Promise.all([getServerApi(), getSessionUser()]);
  if (!user) redirect("/signin");
  const me = await api.me.get();
  return { role: user.role, teamIds: me.teams.map((t) => t.id), tokenTeamId: null };
});

import "server-only";
import { appRouter, createCallerFactory, createInnerContext } from "@switchyard/api";
import type { TSessionUser } from "@switchyard/api/session";
import { getPrisma } from "@switchyard/db";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getSessionUser } from "./auth";

const createCaller = createCallerFactory(appRouter);

/**
 * tRPC procedures called in-process from server components, as the signed-in user. Pages
 * render alongside the console layout, so they redirect on their own when the session is gone.
 */
export const getServerApi = cache(async () => {
  const [prisma, user] = await Promise.all([getPrisma(), getSessionUser()]);
  if (!user) redirect("/signin");
  return createCaller(createInnerContext({ prisma, user }));
});

/**
 * The same procedures for a route handler, as the given user: REST routes that wrap a
 * procedure call it through here so they get exactly the procedure's authorisation.
 */
export async function createServerCaller(user: TSessionUser) {
  return createCaller(createInnerContext({ prisma: await getPrisma(), user }));
}

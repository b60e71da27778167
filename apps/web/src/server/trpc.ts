import "server-only";
import { appRouter, createCallerFactory, createInnerContext } from "@switchyard/api";
import { getPrisma } from "@switchyard/db";
import { cache } from "react";
import { getSessionUser } from "./auth";

const createCaller = createCallerFactory(appRouter);

/** tRPC procedures called in-process from server components, as the signed-in user. */
export const getServerApi = cache(async () => {
  const [prisma, user] = await Promise.all([getPrisma(), getSessionUser()]);
  return createCaller(createInnerContext({ prisma, user }));
});

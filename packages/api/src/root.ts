import { meRouter } from "./router/me.ts";
import { overviewRouter } from "./router/overview/router.ts";
import { siteRouter } from "./router/site/router.ts";
import { createTRPCRouter } from "./trpc.ts";

export const appRouter = createTRPCRouter({
  me: meRouter,
  overview: overviewRouter,
  site: siteRouter,
});

export type AppRouter = typeof appRouter;

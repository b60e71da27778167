import { auditRouter } from "./router/audit/router.ts";
import { catalogRouter } from "./router/catalog/router.ts";
import { meRouter } from "./router/me.ts";
import { overviewRouter } from "./router/overview/router.ts";
import { siteRouter } from "./router/site/router.ts";
import { createTRPCRouter } from "./trpc.ts";

export const appRouter = createTRPCRouter({
  audit: auditRouter,
  catalog: catalogRouter,
  me: meRouter,
  overview: overviewRouter,
  site: siteRouter,
});

export type AppRouter = typeof appRouter;

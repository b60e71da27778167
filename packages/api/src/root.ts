import { agentRouter } from "./router/agent/router.ts";
import { approvalRouter } from "./router/approval/router.ts";
import { auditRouter } from "./router/audit/router.ts";
import { catalogRouter } from "./router/catalog/router.ts";
import { datasetRouter } from "./router/dataset/router.ts";
import { evidenceRouter } from "./router/evidence/router.ts";
import { executorRouter } from "./router/executor/router.ts";
import { fairShareRouter } from "./router/fair-share/router.ts";
import { meRouter } from "./router/me.ts";
import { modelRouter } from "./router/model/router.ts";
import { nodeRouter } from "./router/node/router.ts";
import { overviewRouter } from "./router/overview/router.ts";
import { policyRouter } from "./router/policy/router.ts";
import { savedViewRouter } from "./router/saved-view/router.ts";
import { serviceRouter } from "./router/service/router.ts";
import { siteRouter } from "./router/site/router.ts";
import { teamRouter } from "./router/team/router.ts";
import { tokenRouter } from "./router/token/router.ts";
import { userRouter } from "./router/user/router.ts";
import { userRegionRouter } from "./router/user-region/router.ts";
import { webhookRouter } from "./router/webhook/router.ts";
import { whatIfRouter } from "./router/what-if/router.ts";
import { workloadRouter } from "./router/workload/router.ts";
import { createTRPCRouter } from "./trpc.ts";

export const appRouter = createTRPCRouter({
  agent: agentRouter,
  approval: approvalRouter,
  audit: auditRouter,
  catalog: catalogRouter,
  me: meRouter,
  overview: overviewRouter,
  site: siteRouter,
  node: nodeRouter,
  dataset: datasetRouter,
  model: modelRouter,
  team: teamRouter,
  workload: workloadRouter,
  policy: policyRouter,
  evidence: evidenceRouter,
  executor: executorRouter,
  webhook: webhookRouter,
  user: userRouter,
  token: tokenRouter,
  savedView: savedViewRouter,
  service: serviceRouter,
  userRegion: userRegionRouter,
  fairShare: fairShareRouter,
  whatIf: whatIfRouter,
});

export type AppRouter = typeof appRouter;

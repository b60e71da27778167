import { z } from "zod";
import { assertMayManageService } from "../../inference/access.ts";
import { applyServicePlan } from "../../inference/apply.ts";
import { getServiceFormOptions } from "../../inference/options.ts";
import { planStoredService } from "../../inference/plan.ts";
import { getServiceOrThrow, listServices } from "../../inference/read.ts";
import { createService, stopService, updateService } from "../../inference/write.ts";
import { outputOf, ZPageOf, ZServiceApplyResult, ZServiceDetail, ZServiceRow } from "../../rest/outputs.ts";
import { planService } from "../../services/service-plans.ts";
import { createTRPCRouter, protectedProcedure } from "../../trpc.ts";
import {
  ZApplyPlanInput,
  ZListServicesInput,
  ZServiceCreate,
  ZServiceId,
  ZServicePlan,
  ZServicePlanInput,
  ZServiceUpdate,
} from "./service.schema.ts";

const TAGS = ["Services"];
const ZPlanned = z.object({ id: z.string(), feasible: z.boolean(), summary: z.string() });

export const serviceRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/services",
        tags: TAGS,
        summary: "List inference services",
        description:
          "Services of the teams the caller sees, each with its model, live replicas, the regions its plan in force covers within SLO, and its cost per hour.",
      },
    })
    .input(ZListServicesInput)
    .output(outputOf<typeof listServices>(ZPageOf(ZServiceRow)))
    .query(({ ctx, input }) => listServices(ctx.prisma, ctx.user, input)),
  formOptions: protectedProcedure.query(({ ctx }) => getServiceFormOptions(ctx.prisma, ctx.user)),
  byId: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/services/{id}",
        tags: TAGS,
        summary: "Get an inference service",
        description:
          "The service with its demand per region, its replicas (workloads), the plan in force (`current`) and the pending proposal (`proposal`): replicas per site, each region's coverage with served latency, cost per hour and why a region is not covered.",
      },
    })
    .input(ZServiceId)
    .output(outputOf<typeof getServiceOrThrow>(ZServiceDetail))
    .query(({ ctx, input }) => getServiceOrThrow(ctx.prisma, ctx.user, input.id)),
  create: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/services",
        tags: TAGS,
        summary: "Create an inference service",
        description:
          "Saves the service and plans it at once; the plan waits as a proposal (apply it with POST /services/{id}/apply) or, with applyMode AUTO, the loop applies it. The model must be a model artifact; every region must be a known user region (GET /user-regions). Members of the team, admins and platform engineers.",
      },
    })
    .input(ZServiceCreate)
    .output(z.object({ id: z.string(), planId: z.string(), feasible: z.boolean(), summary: z.string() }))
    .mutation(({ ctx, input }) => createService(ctx, input)),
  update: protectedProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: "/services/{id}",
        tags: TAGS,
        summary: "Change a service's demand or limits",
        description:
          "Replaces the demand per region, the capacity of one replica, the replica limits or the apply mode. The loop re-plans the service and proposes (or applies) the change.",
      },
    })
    .input(ZServiceUpdate)
    .output(z.object({ id: z.string(), replanRequested: z.boolean() }))
    .mutation(({ ctx, input }) => updateService(ctx, input)),
  replan: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/services/{id}/plan",
        tags: TAGS,
        summary: "Plan a service again now",
        description:
          "Runs the covering engine on the current estate and records the result as the service's proposal.",
      },
    })
    .input(ZServiceId)
    .output(ZPlanned)
    .mutation(async ({ ctx, input }) => {
      await assertMayManageService(ctx.prisma, ctx.user, input.id);
      return planStoredService(ctx, input.id, `planned by ${ctx.user.email}`);
    }),
  applyPlan: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/services/{id}/apply",
        tags: TAGS,
        summary: "Apply a service plan",
        description:
          "Starts the replicas the plan adds (workloads scheduled at their sites, holding GPUs), keeps those it keeps and cancels those it drops, all in one transaction. A plan is applied once; an older plan than the current proposal is refused. When a replica cannot start at its planned site (its GPUs were taken since the plan was made), nothing is changed: 409 names the site, the plan stays PROPOSED with its applyError, and the service is planned again.",
      },
    })
    .input(ZApplyPlanInput)
    .output(ZServiceApplyResult)
    .mutation(async ({ ctx, input }) => {
      await assertMayManageService(ctx.prisma, ctx.user, input.id);
      return applyServicePlan(ctx, input.id, input.planId);
    }),
  stop: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/services/{id}/stop",
        tags: TAGS,
        summary: "Stop a service",
        description: "Cancels its replicas (their GPUs are released) and stops planning it.",
      },
    })
    .input(ZServiceId)
    .output(z.object({ id: z.string(), cancelled: z.number().int() }))
    .mutation(({ ctx, input }) => stopService(ctx, input.id)),
  plan: protectedProcedure
    .meta({
      // A dry run: POST for its body, but it writes nothing, so a read token may ask.
      scope: "read",
      openapi: {
        method: "POST",
        path: "/services/plan",
        tags: TAGS,
        summary: "Plan an inference service's replicas (dry run)",
        description:
          "The replicas (sites and nodes) that serve each user region's demand within its latency SLO at the least cost, each region's coverage or why it falls short, and why every other site is not used. The model artifact (modelId) is read as the created service's plan reads it: its residency decides where replicas may hold a copy. Nothing is saved.",
      },
    })
    .input(ZServicePlanInput)
    .output(outputOf<typeof planService>(ZServicePlan))
    .mutation(({ ctx, input }) => planService(ctx.prisma, input)),
});

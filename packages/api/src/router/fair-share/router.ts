import { z } from "zod";
import { listGpuClasses, setGpuClasses } from "../../fairshare/gpu-classes.ts";
import {
  createTeamGroup,
  deleteTeamGroup,
  fairShareHierarchy,
  setTeamFairShare,
  updateTeamGroup,
} from "../../fairshare/hierarchy.ts";
import { teamShareHistory } from "../../fairshare/history.ts";
import { queueFor, workloadQueueStanding } from "../../fairshare/queue.ts";
import {
  createSiteGroup,
  deleteSiteGroup,
  listSiteGroups,
  updateSiteGroup,
} from "../../fairshare/site-groups.ts";
import { ZNoInput } from "../../lib/input.ts";
import { outputOf, ZIdResult } from "../../rest/outputs.ts";
import { createTRPCRouter, estateEditorProcedure, protectedProcedure } from "../../trpc.ts";
import {
  ZGpuClasses,
  ZHierarchy,
  ZQueue,
  ZShareHistory,
  ZSiteGroup,
  ZTeamFairShare,
  ZTeamGroup,
  ZWorkloadQueue,
} from "./fair-share.outputs.ts";
import {
  ZGpuClassesInput,
  ZQueueInput,
  ZShareHistoryInput,
  ZSiteGroupId,
  ZSiteGroupInput,
  ZSiteGroupUpdate,
  ZTeamFairShareInput,
  ZTeamGroupId,
  ZTeamGroupInput,
  ZTeamGroupUpdate,
  ZWorkloadQueueInput,
} from "./fair-share.schema.ts";

const TAGS = ["Fair sharing"];

export const fairShareRouter = createTRPCRouter({
  hierarchy: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/fair-share/hierarchy",
        tags: TAGS,
        summary: "The fair-share hierarchy",
        description:
          "The organisation, its departments and every team with its group and weight. A team's unused guarantee is lent inside its department first, then the organisation.",
      },
    })
    .input(ZNoInput)
    .output(outputOf<typeof fairShareHierarchy>(ZHierarchy))
    .query(({ ctx }) => fairShareHierarchy(ctx.prisma)),
  createGroup: estateEditorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/fair-share/groups",
        tags: TAGS,
        summary: "Create an organisation or department",
        description:
          "One organisation at the top; departments under it. The weight shares the parent among siblings.",
      },
    })
    .input(ZTeamGroupInput)
    .output(outputOf<typeof createTeamGroup>(ZTeamGroup))
    .mutation(({ ctx, input }) => createTeamGroup(ctx, input)),
  updateGroup: estateEditorProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: "/fair-share/groups/{id}",
        tags: TAGS,
        summary: "Rename, move or reweight a group",
      },
    })
    .input(ZTeamGroupUpdate)
    .output(outputOf<typeof updateTeamGroup>(ZTeamGroup))
    .mutation(({ ctx, input }) => updateTeamGroup(ctx, input)),
  deleteGroup: estateEditorProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/fair-share/groups/{id}",
        tags: TAGS,
        summary: "Delete a group",
        description: "Its teams are left without a group; a group with subgroups is refused (409).",
      },
    })
    .input(ZTeamGroupId)
    .output(outputOf<typeof deleteTeamGroup>(ZIdResult))
    .mutation(({ ctx, input }) => deleteTeamGroup(ctx, input.id)),
  siteGroups: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/fair-share/site-groups",
        tags: TAGS,
        summary: "Site groups",
        description:
          "Named sets of sites a team's guarantee can be scoped to (a quota's siteGroupId), each with its sites and the quotas scoped to it.",
      },
    })
    .input(ZNoInput)
    .output(z.array(ZSiteGroup))
    .query(({ ctx }) => listSiteGroups(ctx.prisma)),
  createSiteGroup: estateEditorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/fair-share/site-groups",
        tags: TAGS,
        summary: "Create a site group",
        description: "A slug, a name and at least one site; every site must exist.",
      },
    })
    .input(ZSiteGroupInput)
    .output(outputOf<typeof createSiteGroup>(ZSiteGroup))
    .mutation(({ ctx, input }) => createSiteGroup(ctx, input)),
  updateSiteGroup: estateEditorProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: "/fair-share/site-groups/{id}",
        tags: TAGS,
        summary: "Rename a site group or change its sites",
        description:
          "Quotas scoped to the group follow it: their guarantee holds on the new sites from the next decision.",
      },
    })
    .input(ZSiteGroupUpdate)
    .output(outputOf<typeof updateSiteGroup>(ZSiteGroup))
    .mutation(({ ctx, input }) => updateSiteGroup(ctx, input)),
  deleteSiteGroup: estateEditorProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/fair-share/site-groups/{id}",
        tags: TAGS,
        summary: "Delete a site group",
        description:
          "A group that a quota is scoped to is refused (409): deleting it would widen that guarantee to every site.",
      },
    })
    .input(ZSiteGroupId)
    .output(outputOf<typeof deleteSiteGroup>(ZIdResult))
    .mutation(({ ctx, input }) => deleteSiteGroup(ctx, input.id)),
  gpuClasses: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/fair-share/gpu-classes",
        tags: TAGS,
        summary: "GPU classes: units per GPU of each model",
        description:
          "With any class set, teams' shares and the fair order count every GPU model in one pool in these units (a model without one counts 1); with none, shares are DRF across GPU models. Also lists every model of the estate with a suggestion from its median price.",
      },
    })
    .input(ZNoInput)
    .output(ZGpuClasses)
    .query(({ ctx }) => listGpuClasses(ctx.prisma)),
  setGpuClasses: estateEditorProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/fair-share/gpu-classes",
        tags: TAGS,
        summary: "Set the GPU classes",
        description:
          "Replaces every class: each model once, one the estate names (on a node or in a price), 0.01 to 1,000 units per GPU. An empty list turns classes off. Takes effect at the next fair round.",
      },
    })
    .input(ZGpuClassesInput)
    .output(ZGpuClasses)
    .mutation(({ ctx, input }) => setGpuClasses(ctx, input)),
  setTeam: estateEditorProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/teams/{teamId}/fair-share",
        tags: TAGS,
        summary: "Set a team's group and weight",
        description:
          "groupId (null: none) and weight: pending work is ordered by the team's dominant share over its weight.",
      },
    })
    .input(ZTeamFairShareInput)
    .output(outputOf<typeof setTeamFairShare>(ZTeamFairShare))
    .mutation(({ ctx, input }) => setTeamFairShare(ctx, input)),
  queue: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/queue",
        tags: TAGS,
        summary: "The pending queue in fair order",
        description:
          "Every queued workload you may see with its position (across all teams), what it waits for (APPROVAL, DEPENDENCY, DATA, QUOTA, CAPACITY, FAIR_SHARE) and an expected start from replaying running work's estimated end times and the fair order (null: unknown); and each team's share.",
      },
    })
    .input(ZQueueInput)
    .output(outputOf<typeof queueFor>(ZQueue))
    .query(({ ctx, input }) => queueFor(ctx.prisma, ctx.user, input, new Date())),
  workload: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/workloads/{id}/queue",
        tags: TAGS,
        summary: "A workload's place in the queue",
        description:
          "Position, what it waits for and its expected start; standing is null when it is not queued.",
      },
    })
    .input(ZWorkloadQueueInput)
    .output(outputOf<typeof workloadQueueStanding>(ZWorkloadQueue))
    .query(({ ctx, input }) => workloadQueueStanding(ctx.prisma, ctx.user, input.id, new Date())),
  teamHistory: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/teams/{id}/share-history",
        tags: TAGS,
        summary: "A team's guarantee, used and borrowed GPUs over time",
        description:
          "From allocation history, over the last `days` days (default 7); the guarantee is today's.",
      },
    })
    .input(ZShareHistoryInput)
    .output(outputOf<typeof teamShareHistory>(ZShareHistory))
    .query(({ ctx, input }) => teamShareHistory(ctx.prisma, input.id, input.days, new Date())),
});

import type { PrismaClient } from "@switchyard/db";
import { GPU_MODEL_NAMES } from "@switchyard/db/gpu-models";
import { teamScope } from "../auth/access.ts";
import type { TSessionUser } from "../auth/session.ts";

/** Choices for the create-service form: the user's teams, model artifacts, user regions, GPU models. */
export async function getServiceFormOptions(prisma: PrismaClient, user: TSessionUser) {
  const scope = await teamScope(prisma, user);
  const [teams, models, regions] = await Promise.all([
    prisma.team.findMany({
      where: scope ? { id: { in: scope } } : {},
      select: { id: true, name: true },
      orderBy: { name: "asc" },
    }),
    prisma.dataset.findMany({
      where: { kind: "MODEL" },
      select: { id: true, name: true, version: true, classification: true },
      orderBy: [{ name: "asc" }, { createdAt: "desc" }],
      take: 500,
    }),
    prisma.userRegion.findMany({ select: { name: true }, orderBy: { name: "asc" } }),
  ]);
  return { teams, models, userRegions: regions.map((r) => r.name), gpuModels: GPU_MODEL_NAMES };
}

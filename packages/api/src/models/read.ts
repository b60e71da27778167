import type { Prisma, PrismaClient } from "@switchyard/db";
import { teamScope } from "../auth/access.ts";
import { mayEditDataset } from "../auth/rules.ts";
import type { TSessionUser } from "../auth/session.ts";
import { AppError } from "../errors.ts";
import { servicesServing } from "../inference/read.ts";
import { pageArgs, toPage } from "../lib/pagination.ts";
import type { TListModelsInput } from "../router/model/model.schema.ts";
import { inheritRules } from "./inherit.ts";

export const modelNotFound = (id: string) =>
  new AppError("NOT_FOUND", `model ${id} not found`, { userMessage: "This model does not exist." });

const SITE_REF = {
  select: { id: true, slug: true, name: true, kind: true, country: true, jurisdiction: true },
} as const;
const RULES = {
  classification: true,
  regulations: true,
  residencyCountries: true,
  residencyJurisdictions: true,
  onPremOnly: true,
} as const;

/** A run of a team the user cannot see stays unnamed, as pipeline neighbours do. */
const visibleRun = <T extends { teamId: string }>(scope: string[] | null, run: T | null) =>
  run && (!scope || scope.includes(run.teamId)) ? run : null;

function modelWhere(input: TListModelsInput): Prisma.DatasetWhereInput {
  return {
    kind: "MODEL",
    ...(input.classification ? { classification: input.classification } : {}),
    ...(input.ownerTeamId ? { ownerTeamId: input.ownerTeamId } : {}),
    ...(input.trainedOnId ? { trainedOn: { some: { sourceId: input.trainedOnId } } } : {}),
    ...(input.search
      ? {
          OR: [
            { name: { contains: input.search, mode: "insensitive" } },
            { version: { contains: input.search, mode: "insensitive" } },
          ],
        }
      : {}),
  };
}

/** One page of model artifacts with where they came from: a count and one select. */
export async function listModels(prisma: PrismaClient, user: TSessionUser, input: TListModelsInput) {
  const where = modelWhere(input);
  const [total, models, scope] = await Promise.all([
    prisma.dataset.count({ where }),
    prisma.dataset.findMany({
      where,
      orderBy: [{ [input.sort]: input.direction }, { id: "asc" }],
      ...pageArgs(input),
      select: {
        id: true,
        slug: true,
        name: true,
        version: true,
        sizeBytes: true,
        createdAt: true,
        ...RULES,
        ownerTeam: { select: { id: true, slug: true, name: true } },
        producedAt: SITE_REF,
        producedBy: { select: { id: true, name: true, kind: true, teamId: true } },
        trainedOn: { select: { source: { select: { id: true, name: true, kind: true } } } },
        declassifications: { where: { request: { status: "APPROVED" } }, select: { id: true }, take: 1 },
        _count: { select: { replicas: true } },
      },
    }),
    teamScope(prisma, user),
  ]);
  const rows = models.map(({ _count, trainedOn, declassifications, producedBy, ...m }) => ({
    ...m,
    producedBy: visibleRun(scope, producedBy),
    trainedOn: trainedOn.map((t) => t.source).sort((a, b) => a.name.localeCompare(b.name)),
    declassified: declassifications.length > 0,
    replicas: _count.replicas,
  }));
  return toPage(rows, total, input);
}

/**
 * A model with its lineage both ways (what it was trained on and the run that produced it;
 * the models tuned from it), the rules it inherited and from which input each comes, its
 * copies, stewards and declassifications.
 */
export async function getModelOrThrow(prisma: PrismaClient, user: TSessionUser, id: string) {
  const model = await prisma.dataset.findFirst({
    where: { id, kind: "MODEL" },
    select: {
      id: true,
      slug: true,
      name: true,
      version: true,
      description: true,
      sizeBytes: true,
      createdAt: true,
      ...RULES,
      ownerTeam: { select: { id: true, slug: true, name: true } },
      producedAt: SITE_REF,
      producedBy: {
        select: { id: true, name: true, kind: true, state: true, teamId: true, finishedAt: true },
      },
      stewards: {
        select: { user: { select: { id: true, name: true, email: true } } },
        orderBy: { user: { name: "asc" } },
      },
      replicas: {
        select: { id: true, status: true, createdAt: true, site: SITE_REF },
        orderBy: { site: { name: "asc" } },
      },
      trainedOn: {
        select: {
          source: { select: { id: true, slug: true, name: true, kind: true, version: true, ...RULES } },
        },
      },
      models: {
        select: { model: { select: { id: true, name: true, version: true, classification: true } } },
      },
      declassifications: {
        orderBy: { createdAt: "desc" },
        select: {
          id: true,
          reason: true,
          toClassification: true,
          before: true,
          createdAt: true,
          requestedBy: { select: { id: true, name: true, email: true } },
          request: {
            select: {
              id: true,
              status: true,
              decidedAt: true,
              expiresAt: true,
              steps: {
                orderBy: { order: "asc" },
                select: {
                  order: true,
                  reason: true,
                  status: true,
                  decisions: {
                    select: {
                      verdict: true,
                      comment: true,
                      createdAt: true,
                      decider: { select: { name: true, email: true } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  });
  if (!model) throw modelNotFound(id);
  const scope = await teamScope(prisma, user);
  const sources = model.trainedOn.map((t) => t.source).sort((a, b) => a.name.localeCompare(b.name));
  const producedAt = model.producedAt ?? { country: "", jurisdiction: "" };
  const stewards = model.stewards.map((s) => s.user);
  return {
    ...model,
    stewards,
    producedBy: visibleRun(scope, model.producedBy),
    trainedOn: sources,
    declassified: model.declassifications.some((d) => d.request.status === "APPROVED"),
    fineTunedInto: model.models.map((m) => m.model).sort((a, b) => a.name.localeCompare(b.name)),
    /** What its inputs give it today, and which input each rule comes from. */
    inherited: inheritRules(sources, producedAt),
    /** Inference services serving this model (of teams the user sees), with their live replicas. */
    servedBy: await servicesServing(prisma, [model.id], scope),
    canCopy: mayEditDataset(
      user,
      stewards.map((s) => s.id),
    ),
    canRequestDeclassification: user.role !== "VIEWER" && (!scope || scope.includes(model.ownerTeam.id)),
  };
}

import type { Prisma } from "@switchyard/db";
import { AppError } from "../errors.ts";
import type { TWorkloadSpec } from "../router/workload/workload.schema.ts";
import { TERMINAL_STATES } from "./state-machine.ts";

/**
 * The checks a submission passes inside its transaction, for one spec (submitWorkload) or a
 * batch (submitWorkloads) with the same reads and the same words: each read is one statement
 * whatever the number of specs. `field` turns a spec's field ("spec.name") into the name the
 * caller knows it by ("workloads.3.spec.name" in a batch).
 */
type TField = (field: string) => string;

/**
 * One active workload per name in a team: a second "nightly-eval" while the first runs is
 * almost always a mistake. No unique index can say "among active workloads"; a lock per team
 * and name makes two concurrent submissions of one name take turns, so the second sees the
 * first. A batch takes its locks in one order (the keys sorted), so two batches never deadlock.
 */
export async function lockNames(tx: Prisma.TransactionClient, specs: readonly TWorkloadSpec[]) {
  const keys = [...new Set(specs.map((s) => `workload-name:${s.teamId}:${s.name}`))].sort();
  if (keys.length === 1) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${keys[0]}::text))`;
    return;
  }
  await tx.$executeRaw`
    SELECT pg_advisory_xact_lock(hashtext(k.key))
      FROM (SELECT key FROM unnest(${keys}::text[]) AS key ORDER BY key) AS k`;
}

/** The active workloads already holding the specs' names in their teams (after lockNames). */
export function activeNamesakes(tx: Prisma.TransactionClient, specs: readonly TWorkloadSpec[]) {
  return tx.workload.findMany({
    where: {
      OR: specs.map((s) => ({ teamId: s.teamId, name: s.name })),
      state: { notIn: [...TERMINAL_STATES] },
    },
    select: { id: true, teamId: true, name: true, clientKey: true, state: true },
  });
}

export function nameTaken(
  spec: TWorkloadSpec,
  namesake: { id: string; state: string },
  field: TField = (f) => f,
): AppError {
  return new AppError("CONFLICT", `workload name ${spec.name} taken by ${namesake.id} in ${spec.teamId}`, {
    userMessage: `The team already has an active workload named ${spec.name} (${namesake.state.toLowerCase().replaceAll("_", " ")}): choose another name, or cancel that one first`,
    field: field("spec.name"),
  });
}

export type TReferences = Awaited<ReturnType<typeof readReferences>>;

/**
 * What the specs refer to: their teams, datasets, the workloads they depend on (only those of
 * teams the user sees: another team's is as missing as one that does not exist) and the model
 * versions they would publish that already exist. Empty lists are not asked about: Prisma
 * would still send a query for each.
 */
export async function readReferences(
  tx: Prisma.TransactionClient,
  specs: readonly TWorkloadSpec[],
  scope: readonly string[] | null,
) {
  const unique = <T>(values: T[]) => [...new Set(values)];
  const teamIds = unique(specs.map((s) => s.teamId));
  const datasetIds = unique(specs.flatMap((s) => s.datasetIds));
  const parentIds = unique(specs.flatMap((s) => s.dependsOn));
  const versions = specs.flatMap((s) =>
    s.output?.version ? [{ name: s.output.name ?? s.name, version: s.output.version }] : [],
  );
  const [teams, datasets, parents, published] = await Promise.all([
    teamIds.length === 1
      ? tx.team.findUnique({ where: { id: teamIds[0] }, select: { id: true } }).then((t) => (t ? [t] : []))
      : tx.team.findMany({ where: { id: { in: teamIds } }, select: { id: true } }),
    datasetIds.length > 0
      ? tx.dataset.findMany({ where: { id: { in: datasetIds } }, select: { id: true } })
      : [],
    parentIds.length > 0
      ? tx.workload.findMany({
          where: { id: { in: parentIds }, ...(scope ? { teamId: { in: [...scope] } } : {}) },
          select: { id: true, name: true, state: true },
        })
      : [],
    versions.length > 0
      ? tx.dataset.findMany({ where: { OR: versions }, select: { name: true, version: true } })
      : [],
  ]);
  return {
    teams: new Set(teams.map((t) => t.id)),
    datasets: new Set(datasets.map((d) => d.id)),
    parents: new Map(parents.map((p) => [p.id, p])),
    published: new Set(published.map((d) => `${d.name}@${d.version}`)),
  };
}

/** The first thing a spec refers to that is missing or taken, as the error the caller gets. */
export function referenceError(
  spec: TWorkloadSpec,
  refs: TReferences,
  field: TField = (f) => f,
): AppError | null {
  if (!refs.teams.has(spec.teamId))
    return new AppError("INVALID_REQUEST", `team ${spec.teamId} missing`, {
      userMessage: `Team ${spec.teamId} does not exist.`,
      field: field("spec.teamId"),
    });
  const missingDataset = spec.datasetIds.find((id) => !refs.datasets.has(id));
  if (missingDataset)
    return new AppError("INVALID_REQUEST", `dataset ${missingDataset} missing`, {
      userMessage: `Dataset ${missingDataset} does not exist.`,
      field: field("spec.datasetIds"),
    });
  if (spec.output?.version) {
    const modelName = spec.output.name ?? spec.name;
    if (refs.published.has(`${modelName}@${spec.output.version}`))
      return new AppError("INVALID_REQUEST", `model ${modelName}@${spec.output.version} exists`, {
        userMessage: `Model ${modelName} already has a version ${spec.output.version}: choose another version or leave it out for the next free one`,
        field: field("spec.output.version"),
      });
  }
  const missingParent = spec.dependsOn.find((id) => !refs.parents.has(id));
  if (missingParent)
    return new AppError("INVALID_REQUEST", `workload ${missingParent} missing`, {
      userMessage: `Workload ${missingParent} does not exist.`,
      field: field("spec.dependsOn"),
    });
  return null;
}

/** The workloads a spec depends on that have not succeeded yet (after referenceError). */
export function unfinishedParents(spec: TWorkloadSpec, refs: TReferences) {
  return spec.dependsOn
    .map((id) => refs.parents.get(id))
    .filter((p): p is NonNullable<typeof p> => p !== undefined && p.state !== "SUCCEEDED");
}

/** Why a PENDING workload is not placed yet: the parents it depends on that have not succeeded. */
export function waitingReason(parents: { name: string; state: string }[]): string {
  return `waiting for ${parents.map((p) => `${p.name} (${p.state})`).join(", ")} to succeed`;
}

/** A deadline already past, as the error the caller gets. */
export function pastDeadline(spec: TWorkloadSpec, now: Date, field: TField = (f) => f): AppError | null {
  if (!spec.deadline || spec.deadline.getTime() > now.getTime()) return null;
  return new AppError("INVALID_REQUEST", `deadline ${spec.deadline.toISOString()} is in the past`, {
    userMessage: "The deadline is in the past: choose a later date and time",
    field: field("spec.deadline"),
  });
}

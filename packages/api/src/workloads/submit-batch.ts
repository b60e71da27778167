import { classifyDatabaseError } from "@switchyard/db";
import { placeBatch, type TWorkloadRequestInput } from "@switchyard/placement";
import { assertMayUseTeam, teamScope } from "../auth/access.ts";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TMutationContext } from "../lib/audited.ts";
import { timePlacement } from "../observability/metrics.ts";
import type { TWorkloadSpec } from "../router/workload/workload.schema.ts";
import { withHardBudgets } from "../services/team-budget.ts";
import { placeAndScheduleRound, roundEstate } from "./round.ts";
import { specToRequest, standings, type TSubmitResult, workloadRow } from "./service.ts";
import {
  activeNamesakes,
  lockNames,
  nameTaken,
  pastDeadline,
  readReferences,
  referenceError,
  unfinishedParents,
  waitingReason,
} from "./submission.ts";

export type TBatchItem = { spec: TWorkloadSpec; clientKey?: string };

export type TSubmitBatchResult = {
  /** One answer per workload sent, in the order sent (as POST /workloads answers one). */
  workloads: TSubmitResult[];
  /** The batch placement's proven distance from optimal, when any workload was placed. */
  bound: string | null;
};

/** A spec's field as the caller knows it in the batch: "workloads.3.spec.name", as zod names it. */
const fieldOf = (index: number) => (field: string) => `workloads.${index}.${field}`;

/** An error about a field of one spec, renamed to that spec's place in the batch. */
function inBatch(error: unknown, index: number): unknown {
  if (!(error instanceof AppError) || !error.field) return error;
  return new AppError(error.code, error.message, {
    userMessage: `Workload ${index + 1} of the batch: ${error.userMessage}`,
    field: fieldOf(index)(error.field),
    cause: error,
  });
}

/**
 * Submits many workloads in one call, for a pipeline that submits a sweep or a nightly run:
 * every workload is checked and saved in one transaction (one bad spec refuses the batch,
 * naming its field, and nothing is written), then the PENDING ones are placed together by the
 * batch engine (placeBatch: the sites chosen for the set, not one after the other) and written
 * as one round (workloads/round.ts): each gets its explained decision, and with `schedule`
 * its GPUs too, or its approval request, as POST /workloads with `schedule` would.
 *
 * Placing is a transaction of its own after the save: should it be aborted by the database,
 * the round falls back to one workload at a time; whatever is still PENDING without a decision
 * is placed by the reconcile loop. A client key already used answers where that workload stands.
 */
export async function submitWorkloads(
  ctx: TMutationContext,
  input: { workloads: readonly TBatchItem[]; schedule?: boolean },
  retried = false,
): Promise<TSubmitBatchResult> {
  const items = input.workloads;
  const schedule = input.schedule ?? false;
  refuseRepeats(items);
  const now = new Date();
  items.forEach((item, i) => {
    const late = pastDeadline(item.spec, now, fieldOf(i));
    if (late) throw late;
  });
  const firstOfTeam = new Map<string, number>();
  items.forEach((item, i) => {
    if (!firstOfTeam.has(item.spec.teamId)) firstOfTeam.set(item.spec.teamId, i);
  });
  for (const [teamId, i] of firstOfTeam)
    await assertMayUseTeam(ctx.prisma, ctx.user, teamId, { operate: schedule }).catch((error: unknown) => {
      throw inBatch(error, i);
    });

  // A client key already used answers with that workload; the others are saved.
  const keyed = items.flatMap((item) =>
    item.clientKey ? [{ teamId: item.spec.teamId, clientKey: item.clientKey }] : [],
  );
  const earlier =
    keyed.length > 0
      ? await ctx.prisma.workload.findMany({
          where: { OR: keyed },
          select: { id: true, teamId: true, clientKey: true },
        })
      : [];
  const earlierId = new Map(earlier.map((w) => [`${w.teamId}\u0000${w.clientKey}`, w.id]));
  const idOf = new Map<number, { id: string; created: boolean }>();
  items.forEach((item, i) => {
    const id = item.clientKey ? earlierId.get(`${item.spec.teamId}\u0000${item.clientKey}`) : undefined;
    if (id) idOf.set(i, { id, created: false });
  });

  const scope = await teamScope(ctx.prisma, ctx.user);
  const fresh = items.map((item, index) => ({ ...item, index })).filter((item) => !idOf.has(item.index));
  const saved =
    fresh.length === 0
      ? []
      : await auditedTransaction(ctx, async (tx, audit) => {
          await lockNames(
            tx,
            fresh.map((f) => f.spec),
          );
          const namesakes = await activeNamesakes(
            tx,
            fresh.map((f) => f.spec),
          );
          const toSave: (typeof fresh)[number][] = [];
          for (const item of fresh) {
            const namesake = namesakes.find(
              (n) => n.teamId === item.spec.teamId && n.name === item.spec.name,
            );
            // Saved by a concurrent call with the same key: a replay, as one submission has it.
            if (namesake && item.clientKey && namesake.clientKey === item.clientKey)
              idOf.set(item.index, { id: namesake.id, created: false });
            else if (namesake) throw nameTaken(item.spec, namesake, fieldOf(item.index));
            else toSave.push(item);
          }
          if (toSave.length === 0) return [];
          const refs = await readReferences(
            tx,
            toSave.map((t) => t.spec),
            scope,
          );
          for (const item of toSave) {
            const missing = referenceError(item.spec, refs, fieldOf(item.index));
            if (missing) throw missing;
          }
          const waiting = toSave.map((item) => unfinishedParents(item.spec, refs));
          const rows = await tx.workload.createManyAndReturn({
            data: toSave.map((item, i) =>
              workloadRow(item.spec, {
                state: "PENDING",
                submittedById: ctx.user.id,
                clientKey: item.clientKey ?? null,
                stateReason: waiting[i]?.length ? waitingReason(waiting[i]) : null,
              }),
            ),
            select: { id: true, teamId: true, name: true },
          });
          // The batch names each (team, name) once: refuseRepeats.
          const rowOf = new Map(rows.map((r) => [`${r.teamId}\u0000${r.name}`, r.id]));
          const ids = toSave.map((item) => rowOf.get(`${item.spec.teamId}\u0000${item.spec.name}`) as string);
          await tx.workloadEvent.createMany({
            data: ids.map((workloadId) => ({
              workloadId,
              toState: "PENDING" as const,
              actorId: ctx.user.id,
              reason: "submitted",
              createdAt: now,
            })),
          });
          const links = toSave.flatMap((item, i) =>
            item.spec.datasetIds.map((datasetId) => ({ workloadId: ids[i] as string, datasetId })),
          );
          if (links.length > 0) await tx.workloadDataset.createMany({ data: links });
          const dependencies = toSave.flatMap((item, i) =>
            item.spec.dependsOn.map((dependsOnId) => ({ workloadId: ids[i] as string, dependsOnId })),
          );
          if (dependencies.length > 0) await tx.workloadDependency.createMany({ data: dependencies });
          for (const [i, item] of toSave.entries())
            await audit({
              action: "workload.submit",
              objectType: "Workload",
              objectId: ids[i] as string,
              after: { ...item.spec, state: "PENDING" },
            });
          return toSave.map((item, i) => ({
            ...item,
            id: ids[i] as string,
            waits: (waiting[i]?.length ?? 0) > 0,
          }));
        }).catch((error: unknown) => {
          // The same key submitted by a concurrent call: once more, and the keys now replay.
          const clash = classifyDatabaseError(error);
          if (!retried && clash?.kind === "unique" && clash.fields.includes("clientKey")) return null;
          throw error;
        });
  if (saved === null) return submitWorkloads(ctx, input, true);
  for (const item of saved) idOf.set(item.index, { id: item.id, created: true });

  const bound = await placeSaved(
    ctx,
    saved.filter((item) => !item.waits),
    schedule,
    now,
  );
  const ids = items.map((_, i) => idOf.get(i) as { id: string; created: boolean });
  const where = schedule
    ? await standings(
        ctx.prisma,
        ids.map((x) => x.id),
      )
    : undefined;
  return {
    workloads: ids.map(({ id, created }) => ({
      id,
      created,
      ...(where ? { schedule: where.get(id) as NonNullable<TSubmitResult["schedule"]> } : {}),
    })),
    bound,
  };
}

/** A batch names each workload once: two specs of one name (or one client key) in a team are refused. */
function refuseRepeats(items: readonly TBatchItem[]) {
  const names = new Map<string, number>();
  const keys = new Map<string, number>();
  items.forEach((item, i) => {
    const name = `${item.spec.teamId}\u0000${item.spec.name}`;
    const first = names.get(name);
    if (first !== undefined)
      throw new AppError("INVALID_REQUEST", `name ${item.spec.name} twice in the batch`, {
        userMessage: `Workloads ${first + 1} and ${i + 1} of the batch are both named ${item.spec.name} in team ${item.spec.teamId}: a team's active workloads have different names`,
        field: fieldOf(i)("spec.name"),
      });
    names.set(name, i);
    if (!item.clientKey) return;
    const key = `${item.spec.teamId}\u0000${item.clientKey}`;
    const firstKey = keys.get(key);
    if (firstKey !== undefined)
      throw new AppError("INVALID_REQUEST", `clientKey ${item.clientKey} twice in the batch`, {
        userMessage: `Workloads ${firstKey + 1} and ${i + 1} of the batch have the same client key: each submission needs its own`,
        field: fieldOf(i)("clientKey"),
      });
    keys.set(key, i);
  });
}

/** Rounds a batch places in: the first, then again for what lost its GPUs to other placements. */
const ROUNDS = 3;

/**
 * Places the saved workloads together: the batch engine chooses their sites as a set, then one
 * round writes every decision (and, scheduling, the GPUs) in priority order. Batches submitted
 * at the same moment choose from the same free GPUs, so a round may find some taken when it
 * locks them: those workloads (PENDING, their decisions retired) are placed again at once on
 * the estate as it is now, up to ROUNDS rounds in all; the reconcile loop places what is left.
 * Answers the first placement's bound ("within 0.4% of optimal for 12 workloads (…)").
 */
async function placeSaved(
  ctx: TMutationContext,
  saved: readonly { id: string; spec: TWorkloadSpec }[],
  schedule: boolean,
  now: Date,
): Promise<string | null> {
  if (saved.length === 0) return null;
  const requests: TWorkloadRequestInput[] = await withHardBudgets(
    ctx.prisma,
    saved.map((item) => specToRequest(item.spec, item.id)),
    now,
  );
  const requestOf = new Map(requests.map((r) => [r.id, r]));
  // Higher priority first; the order sent among equals.
  let ordered = [...saved].sort((a, b) => b.spec.priority - a.spec.priority).map((item) => item.id);
  let bound: string | null = null;
  for (let round = 0; round < ROUNDS && ordered.length > 0; round++) {
    // Each round reads the estate as it is now (only the changes since this process last looked).
    const estate = roundEstate(ctx.prisma);
    const snapshot = await estate.get();
    const batch = timePlacement("batch", () =>
      placeBatch({
        snapshot,
        requests: ordered.map((id) => requestOf.get(id) as TWorkloadRequestInput),
        explainUnplaced: "none",
        // The bound is the first placement's: the rounds after it place only what lost.
        ...(round > 0 ? { bound: "none" as const } : {}),
      }),
    );
    bound ??= batch.bound.summary;
    const chosenSite = new Map(batch.placements.map((p) => [p.workloadId, p.siteId]));
    const { lost } = await placeAndScheduleRound(ctx, estate, ordered, requestOf, chosenSite, {
      accept: schedule,
    });
    const again = new Set(lost);
    ordered = ordered.filter((id) => again.has(id));
  }
  return bound;
}

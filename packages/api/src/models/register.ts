import type { Prisma } from "@switchyard/db";
import type { TAudit } from "../lib/audited.ts";
import { inheritRules } from "./inherit.ts";

const GIB = 1024 ** 3;
/**
 * Without a stated size, a model's weights are estimated as an eighth of the GPU memory its
 * run held: mixed-precision training keeps about 16 bytes per parameter (weights, gradients,
 * Adam moments) against 2 for the bf16 weights it saves.
 */
const WEIGHTS_SHARE_OF_TRAINING_MEMORY = 1 / 8;

export const slugify = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60) || "model";

/** v1, v2, ...: the first version of the name not yet taken. */
async function nextFreeVersion(tx: Prisma.TransactionClient, name: string) {
  const taken = new Set(
    (await tx.dataset.findMany({ where: { name }, select: { version: true } })).map((d) => d.version),
  );
  let n = 1;
  while (taken.has(`v${n}`)) n += 1;
  return `v${n}`;
}

async function freeSlug(tx: Prisma.TransactionClient, base: string, suffix: string) {
  const clash = await tx.dataset.findUnique({ where: { slug: base }, select: { id: true } });
  return clash ? `${base}-${suffix}` : base;
}

/**
 * Registers the model a TRAINING or FINE_TUNING run produced, inside the transaction that
 * marks the run SUCCEEDED: a MODEL dataset at the site it ran, with the rules it inherits
 * from what it read (see inherit.ts), those inputs' stewards, and its lineage. Returns null for
 * other kinds, for a run without a site and for a run that already registered one.
 */
export async function registerModelArtifact(
  tx: Prisma.TransactionClient,
  audit: TAudit,
  workloadId: string,
  now: Date,
) {
  const run = await tx.workload.findUnique({
    where: { id: workloadId },
    select: {
      id: true,
      name: true,
      kind: true,
      teamId: true,
      siteId: true,
      outputName: true,
      outputVersion: true,
      outputSizeBytes: true,
      site: { select: { country: true, jurisdiction: true } },
      output: { select: { id: true } },
      allocations: { select: { gpus: true, node: { select: { gpuMemoryGib: true } } } },
      datasets: {
        select: {
          dataset: {
            select: {
              id: true,
              name: true,
              kind: true,
              sizeBytes: true,
              classification: true,
              regulations: true,
              residencyCountries: true,
              residencyJurisdictions: true,
              onPremOnly: true,
              stewards: { select: { userId: true } },
            },
          },
        },
      },
    },
  });
  if (
    !run ||
    (run.kind !== "TRAINING" && run.kind !== "FINE_TUNING") ||
    !run.siteId ||
    !run.site ||
    run.output
  )
    return null;
  const sources = run.datasets.map((d) => d.dataset).sort((a, b) => a.name.localeCompare(b.name));
  const rules = inheritRules(sources, run.site);
  const name = run.outputName ?? run.name;
  const wanted = run.outputVersion;
  const versionTaken =
    wanted !== null &&
    (await tx.dataset.findUnique({
      where: { name_version: { name, version: wanted } },
      select: { id: true },
    })) !== null;
  const version = wanted !== null && !versionTaken ? wanted : await nextFreeVersion(tx, name);
  const parent = sources.find((s) => s.kind === "MODEL");
  const heldGib = run.allocations.reduce((sum, a) => sum + a.gpus * a.node.gpuMemoryGib, 0);
  const sizeBytes =
    run.outputSizeBytes ??
    (run.kind === "FINE_TUNING" && parent
      ? parent.sizeBytes
      : BigInt(Math.max(1, Math.round(heldGib * WEIGHTS_SHARE_OF_TRAINING_MEMORY * GIB))));
  const stewardIds = [...new Set(sources.flatMap((s) => s.stewards.map((st) => st.userId)))];
  const model = await tx.dataset.create({
    data: {
      slug: await freeSlug(tx, `${slugify(name)}-${slugify(version)}`, run.id.slice(-8)),
      name,
      version,
      kind: "MODEL",
      // Every role reads models; the run is named only to those who may see it (model.byId).
      description: `Produced by a ${run.kind === "FINE_TUNING" ? "fine-tuning" : "training"} run`,
      sizeBytes,
      classification: rules.classification,
      regulations: rules.regulations,
      residencyCountries: rules.residencyCountries,
      residencyJurisdictions: rules.residencyJurisdictions,
      onPremOnly: rules.onPremOnly,
      ownerTeamId: run.teamId,
      producedByWorkloadId: run.id,
      producedAtSiteId: run.siteId,
      createdAt: now,
      stewards: { create: stewardIds.map((userId) => ({ userId })) },
      replicas: { create: { siteId: run.siteId, sizeBytes } },
      trainedOn: { create: sources.map((s) => ({ sourceId: s.id })) },
    },
    select: { id: true, slug: true, name: true, version: true },
  });
  await audit({
    action: "model.register",
    objectType: "Dataset",
    objectId: model.id,
    after: {
      name,
      version,
      ...(versionTaken ? { requestedVersion: wanted, note: `version ${wanted} was taken` } : {}),
      sizeBytes: sizeBytes.toString(),
      sizeEstimated: run.outputSizeBytes === null,
      producedByWorkloadId: run.id,
      siteId: run.siteId,
      trainedOn: sources.map((s) => s.id),
      classification: rules.classification,
      regulations: rules.regulations,
      residencyCountries: rules.residencyCountries,
      residencyJurisdictions: rules.residencyJurisdictions,
      onPremOnly: rules.onPremOnly,
      stewardIds,
    },
  });
  return model;
}

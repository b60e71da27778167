import { z } from "zod";
import { PlacementInputError, type TInputIssue, toInputIssues } from "../snapshot/input-error";
import { ANY_MODEL, type TIndexedTree } from "./tree";

const ZId = z.string().min(1);

/** GPUs a team holds (usage) or waits for (demand) of one GPU model; demand may name "*" (any model). */
export const ZGpuAmount = z.object({
  teamId: ZId,
  gpuModel: ZId,
  gpus: z.int().nonnegative(),
  /** Where the GPUs are held; a team's guarantee covers only its site group. Absent = inside it. */
  siteId: ZId.optional(),
});
export type TGpuAmount = z.input<typeof ZGpuAmount>;

/** Total GPUs per model of the estate (READY nodes of ACTIVE sites): what DRF normalises by. */
export const ZCapacityByModel = z.record(ZId, z.int().nonnegative());
export type TCapacityByModel = Readonly<Record<string, number>>;

export function parseAmounts(
  tree: TIndexedTree,
  value: unknown,
  path: string,
  capacity: TCapacityByModel,
  allowAny: boolean,
): z.infer<typeof ZGpuAmount>[] {
  const parsed = z.array(ZGpuAmount).safeParse(value);
  if (!parsed.success) throw new PlacementInputError(toInputIssues(parsed.error, path));
  const issues: TInputIssue[] = [];
  parsed.data.forEach((amount, i) => {
    const node = tree.nodes.get(amount.teamId);
    if (node?.kind !== "TEAM") {
      issues.push({ path: `${path}.${i}.teamId`, message: `unknown team '${amount.teamId}'` });
    }
    const known = amount.gpuModel in capacity || (allowAny && amount.gpuModel === ANY_MODEL);
    if (!known) {
      issues.push({
        path: `${path}.${i}.gpuModel`,
        message: `GPU model '${amount.gpuModel}' has no capacity`,
      });
    }
  });
  if (issues.length > 0) throw new PlacementInputError(issues);
  return parsed.data;
}

export function parseCapacity(value: unknown, path = "capacity"): Record<string, number> {
  const parsed = ZCapacityByModel.safeParse(value);
  if (!parsed.success) throw new PlacementInputError(toInputIssues(parsed.error, path));
  if (Object.values(parsed.data).every((gpus) => gpus === 0)) {
    throw new PlacementInputError([{ path, message: "the estate has no GPUs to share" }]);
  }
  return parsed.data;
}

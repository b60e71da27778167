import { z } from "zod";
import { compareIds } from "../snapshot/compare";
import { PlacementInputError, type TInputIssue, toInputIssues } from "../snapshot/input-error";

/** "*" is the class of all GPU models: a guarantee or limit counted in GPUs of any model. */
export const ANY_MODEL = "*";

const ZId = z.string().min(1);
const ZGpus = z.int().nonnegative();

export const ZEntitlementKind = z.enum(["ORGANISATION", "DEPARTMENT", "TEAM"]);

/**
 * One node of the entitlement hierarchy. The root is the ORGANISATION (parentId null);
 * DEPARTMENTs hang under it; TEAMs are the leaves, under a department or the organisation.
 * Unused guarantee is lent inside the department first, then the organisation.
 */
export const ZEntitlementNode = z.object({
  id: ZId,
  parentId: ZId.nullable(),
  kind: ZEntitlementKind,
  /** Share of borrowed capacity relative to siblings; fair order divides the dominant share by it. */
  weight: z.number().finite().positive(),
  /** Guaranteed GPUs per GPU model, or per class ("*" = any model). Absent model = 0. */
  guarantees: z.record(ZId, ZGpus).default({}),
  /** Most GPUs per GPU model (or "*") the node and everything under it may hold. Absent = unlimited. */
  limits: z.record(ZId, ZGpus).default({}),
  /** A named site group the guarantee holds at; absent = every site. Work elsewhere counts as borrowed. */
  siteIds: z.array(ZId).optional(),
});

export const ZEntitlementTree = z.object({
  nodes: z.array(ZEntitlementNode),
  /**
   * GPU classes: units per GPU of each model (e.g. H100-equivalents by price or throughput; a
   * model not named counts 1). When present, shares are counted in that unit, all models as
   * one pooled resource (work may take any model), instead of DRF across models: the dominant
   * share, the entitlement and the fair order all use it.
   */
  classUnits: z.record(ZId, z.number().finite().positive()).optional(),
});

export type TEntitlementKind = z.infer<typeof ZEntitlementKind>;
export type TEntitlementNode = z.infer<typeof ZEntitlementNode>;
export type TEntitlementNodeInput = z.input<typeof ZEntitlementNode>;
/** What callers pass: defaults not yet applied. */
export type TEntitlementTree = z.input<typeof ZEntitlementTree>;

/** A validated tree with the lookups the fair-share functions need. */
export type TIndexedTree = {
  readonly nodes: ReadonlyMap<string, TEntitlementNode>;
  /** Teams sorted by id. */
  readonly teams: readonly TEntitlementNode[];
  /** The team's department (its parent when that is a DEPARTMENT), else null. */
  readonly departmentOf: ReadonlyMap<string, string | null>;
  /** The tree's GPU class units; null: shares are DRF across GPU models. */
  readonly classUnits: Readonly<Record<string, number>> | null;
};

/**
 * Parses and checks a tree: unique ids, exactly one ORGANISATION and it is the root,
 * departments under the organisation, teams under a department or the organisation and
 * never a parent, every parent known, and a parent's guarantee (when it names one) at
 * least the sum of its children's. Throws PlacementInputError listing every issue.
 */
export function indexTree(input: TEntitlementTree, prefix = "tree"): TIndexedTree {
  const parsed = ZEntitlementTree.safeParse(input);
  if (!parsed.success) throw new PlacementInputError(toInputIssues(parsed.error, prefix));
  const list = parsed.data.nodes;
  const issues: TInputIssue[] = [];
  const nodes = new Map<string, TEntitlementNode>();
  list.forEach((node, i) => {
    if (nodes.has(node.id))
      issues.push({ path: `${prefix}.nodes.${i}.id`, message: `duplicate id '${node.id}'` });
    nodes.set(node.id, node);
  });
  const roots = list.filter((node) => node.parentId === null);
  if (roots.length !== 1 || roots[0]?.kind !== "ORGANISATION") {
    issues.push({
      path: `${prefix}.nodes`,
      message: `needs exactly one root, of kind ORGANISATION (found ${roots.length} without a parent)`,
    });
  }
  list.forEach((node, i) => {
    const at = `${prefix}.nodes.${i}`;
    if (node.parentId === null) {
      if (node.kind !== "ORGANISATION")
        issues.push({ path: `${at}.parentId`, message: `a ${node.kind} needs a parent` });
      return;
    }
    const parent = nodes.get(node.parentId);
    if (parent === undefined) {
      issues.push({ path: `${at}.parentId`, message: `unknown parent '${node.parentId}'` });
      return;
    }
    const allowed =
      node.kind === "DEPARTMENT"
        ? parent.kind === "ORGANISATION"
        : node.kind === "TEAM"
          ? parent.kind !== "TEAM"
          : false;
    if (!allowed) {
      issues.push({
        path: `${at}.parentId`,
        message: `a ${node.kind} cannot sit under a ${parent.kind} ('${parent.id}')`,
      });
    }
  });
  list.forEach((parent, i) => {
    const children = list.filter((node) => node.parentId === parent.id);
    for (const [model, guaranteed] of Object.entries(parent.guarantees)) {
      const sum = children.reduce((total, child) => total + (child.guarantees[model] ?? 0), 0);
      if (children.length > 0 && sum > guaranteed) {
        issues.push({
          path: `${prefix}.nodes.${i}.guarantees.${model}`,
          message: `guarantees ${guaranteed} ${model} GPUs but its children are guaranteed ${sum}`,
        });
      }
    }
  });
  if (issues.length > 0) throw new PlacementInputError(issues);
  const teams = list.filter((node) => node.kind === "TEAM").sort((a, b) => compareIds(a.id, b.id));
  const departmentOf = new Map<string, string | null>();
  for (const team of teams) {
    const parent = team.parentId === null ? undefined : nodes.get(team.parentId);
    departmentOf.set(team.id, parent?.kind === "DEPARTMENT" ? parent.id : null);
  }
  return { nodes, teams, departmentOf, classUnits: parsed.data.classUnits ?? null };
}

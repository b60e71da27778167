import type { PrismaClient } from "@switchyard/db";
import { ROLES, type TRole, type TSessionUser } from "../../src/auth/session.ts";
import { appRouter } from "../../src/root.ts";
import { createCallerFactory, createInnerContext } from "../../src/trpc.ts";
import { USERS } from "../helpers.ts";
import { createFixtures, type TFixtures } from "./fixtures.ts";

/**
 * The authorisation matrix: for every procedure, the relations between caller and object that
 * matter to it (own team, other team, stewarded dataset or not, requester or not, no such
 * object), and for each the exact outcome per role. Every procedure is also called without a
 * session and must answer UNAUTHORIZED.
 *
 * Mutations whose outcome depends on the object get a fresh object per call (a PENDING
 * workload, an approval request, a dataset), so "OK" means the change really happened and
 * one call never changes what the next one sees. Role-only mutations are called with a
 * missing id or an invalid input, which the allowed roles reach past the role check
 * (NOT_FOUND / BAD_REQUEST) and which writes nothing.
 *
 * The matrix is transport-neutral: `runMatrix` takes a `call` function (tRPC's caller by
 * default); REST routes and API-token scopes join by adding a transport and callers.
 */
export type TOutcome =
  | "OK"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "BAD_REQUEST"
  | "CONFLICT"
  | "PRECONDITION_FAILED";
export type TCaller = TRole | "ANONYMOUS";
export const CALLERS: readonly TCaller[] = [...ROLES, "ANONYMOUS"];

export type TCase = {
  /** How the object relates to the callers, in words: "own team", "other team", "missing". */
  relation: string;
  /** The input; may create a fresh object for this call. */
  input?: (fx: TFixtures, caller: TSessionUser) => unknown;
  expect: Record<TRole, TOutcome>;
  /**
   * For answers that are OK: what the caller must not see (another team's workloads in a
   * team-scoped read), as the ids and names that must not appear in the answer.
   */
  hides?: (fx: TFixtures, role: TRole) => string[];
};

const OK_ALL: Record<TRole, TOutcome> = {
  ADMIN: "OK",
  PLATFORM_ENGINEER: "OK",
  DATA_STEWARD: "OK",
  ML_ENGINEER: "OK",
  VIEWER: "OK",
};

/** `ok` for the roles given, FORBIDDEN (the role gate) for the others. */
function only(roles: readonly TRole[], ok: TOutcome = "OK"): Record<TRole, TOutcome> {
  return Object.fromEntries(ROLES.map((r) => [r, roles.includes(r) ? ok : "FORBIDDEN"])) as Record<
    TRole,
    TOutcome
  >;
}

function all(outcome: TOutcome): Record<TRole, TOutcome> {
  return Object.fromEntries(ROLES.map((r) => [r, outcome])) as Record<TRole, TOutcome>;
}

const EDITORS: TRole[] = ["ADMIN", "PLATFORM_ENGINEER"];
const AUDIT_READERS: TRole[] = ["ADMIN", "PLATFORM_ENGINEER", "DATA_STEWARD"];
const DECIDERS: TRole[] = ["ADMIN", "PLATFORM_ENGINEER", "DATA_STEWARD", "ML_ENGINEER"];
const SUBMITTERS: TRole[] = ["ADMIN", "PLATFORM_ENGINEER", "ML_ENGINEER"];
const ADMINS: TRole[] = ["ADMIN"];

/** Team-scoped reads: the ML engineer sees only Applied ML and Health AI. */
const hideOtherTeams = (fx: TFixtures, role: TRole) => (role === "ML_ENGINEER" ? fx.otherTeamsWorkloads : []);

/** Operating one workload: its team's ML engineers and the estate's operators; others' work is invisible. */
const operate = {
  own: { ...only(SUBMITTERS), DATA_STEWARD: "FORBIDDEN", VIEWER: "FORBIDDEN" } as Record<TRole, TOutcome>,
  other: {
    ADMIN: "OK",
    PLATFORM_ENGINEER: "OK",
    DATA_STEWARD: "FORBIDDEN",
    ML_ENGINEER: "NOT_FOUND",
    VIEWER: "FORBIDDEN",
  } as Record<TRole, TOutcome>,
  missing: all("NOT_FOUND"),
};

const seenByEveryTeamButOthers: Record<TRole, TOutcome> = { ...OK_ALL, ML_ENGINEER: "NOT_FOUND" };

export const MATRIX: Record<string, TCase[]> = {
  "approval.list": [
    {
      relation: "every request the caller may see",
      input: () => ({}),
      expect: OK_ALL,
      hides: hideOtherTeams,
    },
  ],
  "approval.inboxCount": [{ relation: "the caller's inbox", expect: OK_ALL }],
  "approval.byId": [
    { relation: "own team's request", input: (fx) => ({ id: fx.ownTeamRequestId }), expect: OK_ALL },
    {
      relation: "other team's request",
      input: (fx) => ({ id: fx.otherTeamRequestId }),
      expect: seenByEveryTeamButOthers,
    },
    { relation: "missing", input: () => ({ id: "approval-nowhere" }), expect: all("NOT_FOUND") },
  ],
  // Each call decides step 1 of 2 of a fresh request, so the request stays PENDING.
  "approval.decide": [
    {
      relation: "own team, the step asks for the caller's role, someone else asked",
      input: async (fx, user) => ({
        id: await fx.approvalRequest({ team: "own", stepRole: user.role }),
        verdict: "APPROVE",
      }),
      expect: only(DECIDERS),
    },
    {
      relation: "own team, the caller asked for it",
      input: async (fx, user) => ({
        id: await fx.approvalRequest({ team: "own", stepRole: user.role, requesterId: user.id }),
        verdict: "APPROVE",
      }),
      expect: only(DECIDERS, "FORBIDDEN"),
    },
    {
      relation: "other team, the step asks for the caller's role",
      input: async (fx, user) => ({
        id: await fx.approvalRequest({ team: "other", stepRole: user.role }),
        verdict: "APPROVE",
      }),
      expect: { ...only(DECIDERS), ML_ENGINEER: "NOT_FOUND" },
    },
    {
      relation: "a step for the stewards of a dataset the steward stewards",
      input: async (fx) => ({
        id: await fx.approvalRequest({ team: "own", stewardsOf: "stewarded" }),
        verdict: "APPROVE",
      }),
      expect: { ...only(DECIDERS, "FORBIDDEN"), DATA_STEWARD: "OK" },
    },
    {
      relation: "a step for the stewards of a dataset the steward does not steward",
      input: async (fx) => ({
        id: await fx.approvalRequest({ team: "own", stewardsOf: "other" }),
        verdict: "APPROVE",
      }),
      expect: only(DECIDERS, "FORBIDDEN"),
    },
    {
      relation: "missing",
      input: () => ({ id: "approval-nowhere", verdict: "APPROVE" }),
      expect: only(DECIDERS, "NOT_FOUND"),
    },
  ],
  "audit.list": [{ relation: "the estate", input: () => ({}), expect: only(AUDIT_READERS) }],
  "audit.verify": [{ relation: "the estate", expect: only(AUDIT_READERS) }],
  // A header-only CSV: a valid import of no rows, which changes no price.
  "catalog.import": [{ relation: "the estate", input: () => ({ csv: "provider\n" }), expect: only(EDITORS) }],
  "catalog.preview": [
    { relation: "the estate", input: () => ({ csv: "provider\n" }), expect: only(EDITORS) },
  ],
  "dataset.list": [{ relation: "every dataset", input: () => ({}), expect: OK_ALL }],
  "model.list": [{ relation: "every model", input: () => ({}), expect: OK_ALL }],
  "model.byId": [
    { relation: "a model", input: (fx) => fx.model("other").then((id) => ({ id })), expect: OK_ALL },
    { relation: "missing", input: () => ({ id: "model-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "model.declassify": [
    {
      relation: "own team's model",
      input: async (fx) => ({
        id: await fx.model("own"),
        toClassification: "INTERNAL",
        reason: "weights hold no records",
      }),
      expect: only(DECIDERS),
    },
    {
      relation: "other team's model",
      input: async (fx) => ({
        id: await fx.model("other"),
        toClassification: "INTERNAL",
        reason: "weights hold no records",
      }),
      expect: { ...only(DECIDERS), ML_ENGINEER: "FORBIDDEN" },
    },
    {
      relation: "missing",
      input: () => ({ id: "model-nowhere", toClassification: "INTERNAL", reason: "weights hold no records" }),
      expect: only(DECIDERS, "NOT_FOUND"),
    },
  ],
  "dataset.options": [{ relation: "every dataset", expect: OK_ALL }],
  "dataset.byId": [
    { relation: "a dataset", input: () => ({ id: "dataset-claims-2025" }), expect: OK_ALL },
    { relation: "missing", input: () => ({ id: "dataset-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "dataset.replicaCandidates": [
    { relation: "a dataset", input: () => ({ id: "dataset-claims-2025" }), expect: OK_ALL },
    { relation: "missing", input: () => ({ id: "dataset-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "dataset.formOptions": [
    { relation: "teams, stewards and sites", expect: only([...EDITORS, "DATA_STEWARD"]) },
  ],
  "dataset.create": [
    {
      relation: "a new dataset",
      input: (fx) => fx.newDataset(),
      expect: only([...EDITORS, "DATA_STEWARD"]),
    },
  ],
  "dataset.update": [
    {
      relation: "stewarded by the steward",
      input: (fx) => fx.datasetChange({ stewarded: true }),
      expect: only([...EDITORS, "DATA_STEWARD"]),
    },
    {
      relation: "not stewarded by the steward",
      input: (fx) => fx.datasetChange({ stewarded: false }),
      expect: only(EDITORS),
    },
    {
      relation: "missing",
      input: async (fx) => ({ ...(await fx.datasetChange({ stewarded: true })), id: "dataset-nowhere" }),
      expect: only([...EDITORS, "DATA_STEWARD"], "NOT_FOUND"),
    },
  ],
  // A fresh dataset per call, with one replica; the replica is added at (removed from) a second site.
  "dataset.addReplica": [
    {
      relation: "stewarded by the steward",
      input: async (fx) => fx.replicaChange({ stewarded: true, existing: false }),
      expect: only([...EDITORS, "DATA_STEWARD"]),
    },
    {
      relation: "not stewarded by the steward",
      input: async (fx) => fx.replicaChange({ stewarded: false, existing: false }),
      expect: only(EDITORS),
    },
    {
      relation: "missing",
      input: (fx) => ({ datasetId: "dataset-nowhere", siteId: fx.siteId }),
      expect: only([...EDITORS, "DATA_STEWARD"], "NOT_FOUND"),
    },
  ],
  "dataset.removeReplica": [
    {
      relation: "stewarded by the steward",
      input: async (fx) => fx.replicaChange({ stewarded: true, existing: true }),
      expect: only([...EDITORS, "DATA_STEWARD"]),
    },
    {
      relation: "not stewarded by the steward",
      input: async (fx) => fx.replicaChange({ stewarded: false, existing: true }),
      expect: only(EDITORS),
    },
    {
      relation: "missing",
      input: (fx) => ({ datasetId: "dataset-nowhere", siteId: fx.siteId }),
      expect: only([...EDITORS, "DATA_STEWARD"], "NOT_FOUND"),
    },
  ],
  "evidence.workload": [
    {
      relation: "own team",
      input: (fx) => ({ id: fx.ownTeamWorkloadId }),
      expect: OK_ALL,
      hides: hideOtherTeams,
    },
    {
      relation: "other team",
      input: (fx) => ({ id: fx.otherTeamWorkloadId }),
      expect: seenByEveryTeamButOthers,
    },
    { relation: "missing", input: () => ({ id: "workload-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "me.get": [{ relation: "oneself", expect: OK_ALL }],
  // Agent procedures take agent tokens only: every session (and any other token) is refused.
  "agent.register": [
    { relation: "a session, not an agent token", input: () => ({}), expect: all("FORBIDDEN") },
  ],
  "agent.heartbeat": [
    { relation: "a session, not an agent token", input: () => ({}), expect: all("FORBIDDEN") },
  ],
  "agent.telemetry": [
    { relation: "a session, not an agent token", input: () => ({}), expect: all("FORBIDDEN") },
  ],
  "node.list": [{ relation: "every node", input: () => ({}), expect: OK_ALL }],
  "node.options": [{ relation: "every node", expect: OK_ALL }],
  "node.byId": [
    {
      relation: "a node running other teams' work",
      input: (fx) => ({ id: fx.busyNodeId }),
      expect: OK_ALL,
      hides: hideOtherTeams,
    },
    { relation: "missing", input: () => ({ id: "node-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "node.telemetry": [
    {
      relation: "a node running other teams' work",
      input: (fx) => ({ id: fx.busyNodeId, from: new Date(Date.now() - 86_400_000), to: new Date() }),
      expect: OK_ALL,
    },
    {
      relation: "missing",
      input: () => ({ id: "node-nowhere", from: new Date(Date.now() - 86_400_000), to: new Date() }),
      expect: all("NOT_FOUND"),
    },
  ],
  "node.create": [{ relation: "the estate", input: () => ({}), expect: only(EDITORS, "BAD_REQUEST") }],
  "node.cordon": [
    { relation: "missing", input: () => ({ ids: ["node-nowhere"] }), expect: only(EDITORS, "NOT_FOUND") },
  ],
  "node.drain": [
    { relation: "missing", input: () => ({ ids: ["node-nowhere"] }), expect: only(EDITORS, "NOT_FOUND") },
  ],
  "node.uncordon": [
    { relation: "missing", input: () => ({ ids: ["node-nowhere"] }), expect: only(EDITORS, "NOT_FOUND") },
  ],
  "overview.get": [{ relation: "the estate", expect: OK_ALL }],
  "overview.dashboard": [
    {
      relation: "the estate",
      input: () => ({ from: "2026-12-01T00:00:00Z", to: "2026-12-08T00:00:00Z" }),
      expect: OK_ALL,
    },
  ],
  "policy.list": [{ relation: "the rules", expect: OK_ALL }],
  "policy.history": [
    { relation: "a rule", input: () => ({ key: "spend-over-25k" }), expect: OK_ALL },
    { relation: "missing", input: () => ({ key: "rule-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "policy.create": [{ relation: "the rules", input: () => ({}), expect: only(ADMINS, "BAD_REQUEST") }],
  "policy.update": [{ relation: "the rules", input: () => ({}), expect: only(ADMINS, "BAD_REQUEST") }],
  "site.list": [{ relation: "every site", input: () => ({}), expect: OK_ALL }],
  "site.locations": [{ relation: "every site", expect: OK_ALL }],
  "site.byId": [
    {
      relation: "a site running other teams' work",
      input: (fx) => ({ id: fx.busySiteId }),
      expect: OK_ALL,
      hides: hideOtherTeams,
    },
    { relation: "missing", input: () => ({ id: "site-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "site.create": [{ relation: "the estate", input: () => ({}), expect: only(EDITORS, "BAD_REQUEST") }],
  "site.update": [
    {
      relation: "a site, no fields",
      input: () => ({ id: "site-dc-ashburn" }),
      expect: only(EDITORS, "BAD_REQUEST"),
    },
  ],
  "site.decommission": [
    { relation: "missing", input: () => ({ id: "site-nowhere" }), expect: only(EDITORS, "NOT_FOUND") },
  ],
  "executor.bySite": [
    { relation: "a site", input: () => ({ siteId: "site-dc-ashburn" }), expect: OK_ALL },
    { relation: "missing", input: () => ({ siteId: "site-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "executor.set": [
    {
      relation: "missing site",
      input: () => ({ siteId: "site-nowhere", kind: "MANUAL" }),
      expect: only(EDITORS, "NOT_FOUND"),
    },
  ],
  "executor.put": [
    {
      relation: "missing site",
      input: () => ({ siteId: "site-nowhere", settings: { kind: "MANUAL" } }),
      expect: only(EDITORS, "NOT_FOUND"),
    },
  ],
  "executor.testConnection": [
    {
      relation: "missing site",
      input: () => ({ siteId: "site-nowhere" }),
      expect: only(EDITORS, "NOT_FOUND"),
    },
  ],
  "executor.jobScript": [
    // No workload here has been handed to a scheduler: NOT_FOUND for whoever may see it.
    { relation: "own team", input: (fx) => ({ workloadId: fx.ownTeamWorkloadId }), expect: all("NOT_FOUND") },
    {
      relation: "other team",
      input: (fx) => ({ workloadId: fx.otherTeamWorkloadId }),
      expect: all("NOT_FOUND"),
    },
    { relation: "missing", input: () => ({ workloadId: "workload-nowhere" }), expect: all("NOT_FOUND") },
  ],
  // People and roles: admins only; an unknown user changes nothing.
  "user.list": [{ relation: "every user", expect: only(ADMINS) }],
  "user.setRole": [
    {
      relation: "missing",
      input: () => ({ userId: "user-nowhere", role: "VIEWER" }),
      expect: only(ADMINS, "NOT_FOUND"),
    },
  ],
  "user.setDisabled": [
    {
      relation: "missing",
      input: () => ({ userId: "user-nowhere", disabled: true }),
      expect: only(ADMINS, "NOT_FOUND"),
    },
  ],
  // Invitations and teams: admins only; an existing email is a conflict, an unknown person 404.
  "user.invite": [
    {
      relation: "existing email",
      input: () => ({ email: "viewer@switchyard.demo", name: "Someone", role: "VIEWER" }),
      expect: only(ADMINS, "CONFLICT"),
    },
  ],
  "user.setTeams": [
    {
      relation: "missing",
      input: () => ({ userId: "user-nowhere", teamIds: [] }),
      expect: only(ADMINS, "NOT_FOUND"),
    },
  ],
  "user.passwordLink": [
    { relation: "missing", input: () => ({ userId: "user-nowhere" }), expect: only(ADMINS, "NOT_FOUND") },
  ],
  // Reads and dry runs added with REST: unknown ids are NOT_FOUND, an empty batch fails validation.
  "workload.decision": [
    { relation: "missing", input: () => ({ id: "workload-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "workload.whyNot": [
    {
      relation: "missing",
      input: () => ({ id: "workload-nowhere", siteId: "site-dc-ashburn" }),
      expect: all("NOT_FOUND"),
    },
  ],
  "workload.batchRecommend": [{ relation: "no specs", input: () => ({}), expect: all("BAD_REQUEST") }],
  "workload.cancel": [
    {
      relation: "own team",
      input: async (fx) => ({ id: await fx.pendingWorkload("own") }),
      expect: operate.own,
    },
    {
      relation: "other team",
      input: async (fx) => ({ id: await fx.pendingWorkload("other") }),
      expect: operate.other,
    },
    { relation: "missing", input: () => ({ id: "workload-nowhere" }), expect: operate.missing },
  ],
  // Everyone manages their own tokens; empty inputs fail validation, unknown ids are NOT_FOUND.
  "savedView.list": [{ relation: "own views", input: () => ({ table: "nodes" }), expect: OK_ALL }],
  "savedView.save": [
    {
      relation: "own view",
      input: () => ({ table: "nodes", name: "authz drained", query: "status=DRAINING" }),
      expect: OK_ALL,
    },
  ],
  "savedView.remove": [
    {
      relation: "own view",
      input: async (fx, user) => ({ id: await fx.savedView(user.id) }),
      expect: OK_ALL,
    },
    {
      relation: "another user's view",
      input: async (fx) => ({ id: await fx.savedView() }),
      expect: all("NOT_FOUND"),
    },
    { relation: "missing", input: () => ({ id: "saved-view-nowhere" }), expect: all("NOT_FOUND") },
  ],
  // What-if: everyone reads and runs the scenarios shared with them (results scoped to their
  // teams); another team's scenario is missing. Saving, deleting and draining: estate editors.
  "whatIf.list": [{ relation: "scenarios shared with the caller", expect: OK_ALL }],
  "whatIf.byId": [
    {
      relation: "shared with everyone",
      input: async (fx) => ({ id: await fx.scenario("everyone") }),
      expect: OK_ALL,
    },
    {
      relation: "shared with own team",
      input: async (fx) => ({ id: await fx.scenario("own") }),
      expect: OK_ALL,
    },
    {
      relation: "shared with another team",
      input: async (fx) => ({ id: await fx.scenario("other") }),
      expect: { ...OK_ALL, ML_ENGINEER: "NOT_FOUND" },
    },
    { relation: "missing", input: () => ({ id: "scenario-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "whatIf.run": [
    {
      relation: "shared with everyone",
      input: async (fx) => ({ id: await fx.scenario("everyone") }),
      expect: OK_ALL,
    },
    {
      relation: "shared with another team",
      input: async (fx) => ({ id: await fx.scenario("other") }),
      expect: { ...OK_ALL, ML_ENGINEER: "NOT_FOUND" },
    },
    { relation: "missing", input: () => ({ id: "scenario-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "whatIf.preview": [
    {
      relation: "the estate",
      input: () => ({ changes: [{ kind: "drain", nodes: { siteId: "site-dc-frankfurt" } }] }),
      expect: OK_ALL,
    },
  ],
  "whatIf.save": [{ relation: "the estate", input: () => ({}), expect: only(EDITORS, "BAD_REQUEST") }],
  "whatIf.remove": [
    {
      relation: "shared with everyone",
      input: async (fx) => ({ id: await fx.scenario("everyone") }),
      expect: only(EDITORS),
    },
    { relation: "missing", input: () => ({ id: "scenario-nowhere" }), expect: only(EDITORS, "NOT_FOUND") },
  ],
  "whatIf.planDrain": [
    {
      relation: "missing",
      input: () => ({ id: "scenario-nowhere", confirm: true }),
      expect: only(EDITORS, "NOT_FOUND"),
    },
  ],
  "token.list": [{ relation: "own tokens", input: () => ({}), expect: OK_ALL }],
  "token.create": [{ relation: "own tokens", input: () => ({}), expect: all("BAD_REQUEST") }],
  "token.createAgent": [{ relation: "a site", input: () => ({}), expect: only(EDITORS, "BAD_REQUEST") }],
  "token.revoke": [{ relation: "missing", input: () => ({ id: "token-nowhere" }), expect: all("NOT_FOUND") }],
  "token.serviceAccounts": [{ relation: "every service account", expect: only(ADMINS) }],
  "token.createServiceAccount": [
    { relation: "the estate", input: () => ({}), expect: only(ADMINS, "BAD_REQUEST") },
  ],
  "token.setServiceAccountDisabled": [
    {
      relation: "missing",
      input: () => ({ id: "user-nowhere", disabled: true }),
      expect: only(ADMINS, "NOT_FOUND"),
    },
  ],
  "team.list": [{ relation: "every team", input: () => ({}), expect: OK_ALL }],
  "team.byId": [
    { relation: "own team", input: () => ({ id: "team-applied-ml" }), expect: OK_ALL },
    { relation: "missing", input: () => ({ id: "team-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "team.quotas": [
    { relation: "a team", input: () => ({ id: "team-applied-ml" }), expect: OK_ALL },
    { relation: "missing", input: () => ({ id: "team-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "team.updateQuotas": [
    {
      relation: "a team, no quotas",
      input: () => ({ teamId: "team-applied-ml" }),
      expect: only(EDITORS, "BAD_REQUEST"),
    },
  ],
  "team.spend": [
    {
      relation: "a team",
      input: () => ({ id: "team-applied-ml", from: "2026-12-01", to: "2026-12-03" }),
      expect: OK_ALL,
    },
    {
      relation: "missing",
      input: () => ({ id: "team-nowhere", from: "2026-12-01", to: "2026-12-03" }),
      expect: all("NOT_FOUND"),
    },
  ],
  "team.budget": [
    { relation: "a team", input: () => ({ id: "team-applied-ml" }), expect: OK_ALL },
    { relation: "missing", input: () => ({ id: "team-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "team.setBudget": [
    {
      relation: "a team, no mode",
      input: () => ({ teamId: "team-applied-ml", monthlyUsd: 1000 }),
      expect: only(EDITORS, "BAD_REQUEST"),
    },
    {
      relation: "missing",
      input: () => ({ teamId: "team-nowhere", monthlyUsd: 1000, mode: "SOFT" }),
      expect: only(EDITORS, "NOT_FOUND"),
    },
  ],
  "fairShare.hierarchy": [{ relation: "the whole hierarchy", input: () => ({}), expect: OK_ALL }],
  "fairShare.createGroup": [
    {
      relation: "a department under a missing parent",
      input: () => ({ slug: "matrix-dept", name: "Matrix", kind: "DEPARTMENT", parentId: "group-nowhere" }),
      expect: only(EDITORS, "NOT_FOUND"),
    },
  ],
  "fairShare.updateGroup": [
    {
      relation: "missing",
      input: () => ({ id: "group-nowhere", weight: 2 }),
      expect: only(EDITORS, "NOT_FOUND"),
    },
  ],
  "fairShare.deleteGroup": [
    { relation: "missing", input: () => ({ id: "group-nowhere" }), expect: only(EDITORS, "NOT_FOUND") },
  ],
  "fairShare.siteGroups": [{ relation: "every site group", input: () => ({}), expect: OK_ALL }],
  "fairShare.createSiteGroup": [
    {
      relation: "a group with a missing site",
      input: () => ({ slug: "matrix-sites", name: "Matrix", siteIds: ["site-nowhere"] }),
      expect: only(EDITORS, "NOT_FOUND"),
    },
  ],
  "fairShare.updateSiteGroup": [
    {
      relation: "missing",
      input: () => ({ id: "site-group-nowhere", name: "Renamed" }),
      expect: only(EDITORS, "NOT_FOUND"),
    },
  ],
  "fairShare.deleteSiteGroup": [
    { relation: "missing", input: () => ({ id: "site-group-nowhere" }), expect: only(EDITORS, "NOT_FOUND") },
  ],
  "fairShare.gpuClasses": [{ relation: "the classes in force", input: () => ({}), expect: OK_ALL }],
  "fairShare.setGpuClasses": [
    {
      relation: "a model the estate does not name",
      input: () => ({ classes: [{ gpuModel: "GPU-nowhere", units: 1 }] }),
      expect: only(EDITORS, "NOT_FOUND"),
    },
  ],
  "fairShare.setTeam": [
    {
      relation: "missing team",
      input: () => ({ teamId: "team-nowhere", groupId: null, weight: 1 }),
      expect: only(EDITORS, "NOT_FOUND"),
    },
    {
      relation: "a team, weight 0",
      input: () => ({ teamId: "team-applied-ml", groupId: null, weight: 0 }),
      expect: only(EDITORS, "BAD_REQUEST"),
    },
  ],
  "fairShare.queue": [
    {
      relation: "every queued workload the caller may see",
      input: () => ({}),
      expect: OK_ALL,
      hides: hideOtherTeams,
    },
  ],
  "fairShare.workload": [
    { relation: "own team", input: (fx) => ({ id: fx.ownTeamWorkloadId }), expect: OK_ALL },
    {
      relation: "other team",
      input: (fx) => ({ id: fx.otherTeamWorkloadId }),
      expect: seenByEveryTeamButOthers,
    },
    { relation: "missing", input: () => ({ id: "workload-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "fairShare.teamHistory": [
    { relation: "a team", input: () => ({ id: "team-applied-ml", days: 1 }), expect: OK_ALL },
    { relation: "missing", input: () => ({ id: "team-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "workload.list": [
    {
      relation: "every workload the caller may see",
      input: () => ({}),
      expect: OK_ALL,
      hides: hideOtherTeams,
    },
  ],
  "workload.formOptions": [{ relation: "the caller's teams", expect: OK_ALL }],
  "workload.byId": [
    {
      relation: "own team",
      input: (fx) => ({ id: fx.ownTeamWorkloadId }),
      expect: OK_ALL,
      hides: hideOtherTeams,
    },
    {
      relation: "other team",
      input: (fx) => ({ id: fx.otherTeamWorkloadId }),
      expect: seenByEveryTeamButOthers,
    },
    { relation: "missing", input: () => ({ id: "workload-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "workload.preview": [{ relation: "a request", input: (fx) => fx.spec("own"), expect: OK_ALL }],
  "service.plan": [
    {
      relation: "a service",
      input: (fx) => ({
        name: "chat",
        teamId: fx.spec("own").teamId,
        modelId: "dataset-defect-detector-v1",
        gpu: { count: 1 },
        replicaCapacityRps: 100,
        regions: [{ region: "us-east", demandRps: 50, maxLatencyMs: 40 }],
        maxReplicas: 2,
      }),
      expect: OK_ALL,
    },
  ],
  // Inference services: everyone lists what their teams may see; managing one is its team's or
  // the operators' (auth/rules.ts, as operating a workload); a missing service is NOT_FOUND for
  // every role before any role check, and an empty create fails validation.
  "service.formOptions": [{ relation: "the caller's teams", expect: OK_ALL }],
  "userRegion.list": [{ relation: "every user region", input: () => ({}), expect: OK_ALL }],
  "service.list": [{ relation: "services of the caller's teams", input: () => ({}), expect: OK_ALL }],
  "service.byId": [
    { relation: "missing", input: () => ({ id: "service-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "service.create": [{ relation: "no spec", input: () => ({}), expect: all("BAD_REQUEST") }],
  "service.update": [
    {
      relation: "missing",
      input: () => ({ id: "service-nowhere", minReplicas: 1 }),
      expect: all("NOT_FOUND"),
    },
  ],
  "service.replan": [
    { relation: "missing", input: () => ({ id: "service-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "service.applyPlan": [
    { relation: "missing", input: () => ({ id: "service-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "service.stop": [
    { relation: "missing", input: () => ({ id: "service-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "workload.submit": [
    {
      relation: "own team",
      input: (fx) => ({ spec: fx.spec("own"), asDraft: true }),
      expect: only(SUBMITTERS),
    },
    {
      relation: "other team",
      input: (fx) => ({ spec: fx.spec("other"), asDraft: true }),
      expect: { ...only(SUBMITTERS), ML_ENGINEER: "FORBIDDEN" },
    },
    {
      // An invisible parent is refused like a missing one: its name and state are not the caller's to learn.
      relation: "own team, depending on another team's workload",
      input: (fx) => ({ spec: { ...fx.spec("own"), dependsOn: [fx.otherTeamWorkloadId] }, asDraft: true }),
      expect: { ...only(SUBMITTERS), ML_ENGINEER: "BAD_REQUEST" },
    },
  ],
  // A batch is refused as a whole over any one workload it may not submit.
  "workload.submitBatch": [
    {
      relation: "own team",
      input: (fx) => ({ workloads: [{ spec: fx.spec("own") }] }),
      expect: only(SUBMITTERS),
    },
    {
      relation: "own team and another team",
      input: (fx) => ({ workloads: [{ spec: fx.spec("own") }, { spec: fx.spec("other") }] }),
      expect: { ...only(SUBMITTERS), ML_ENGINEER: "FORBIDDEN" },
    },
    {
      relation: "own team, depending on another team's workload",
      input: (fx) => ({ workloads: [{ spec: { ...fx.spec("own"), dependsOn: [fx.otherTeamWorkloadId] } }] }),
      expect: { ...only(SUBMITTERS), ML_ENGINEER: "BAD_REQUEST" },
    },
  ],
  "workload.place": [
    {
      relation: "own team",
      input: async (fx) => ({ id: await fx.pendingWorkload("own") }),
      expect: operate.own,
    },
    {
      relation: "other team",
      input: async (fx) => ({ id: await fx.pendingWorkload("other") }),
      expect: operate.other,
    },
    { relation: "missing", input: () => ({ id: "workload-nowhere" }), expect: operate.missing },
  ],
  "workload.schedule": [
    { relation: "own team", input: (fx) => fx.placedWorkload("own"), expect: operate.own },
    { relation: "other team", input: (fx) => fx.placedWorkload("other"), expect: operate.other },
    {
      relation: "missing",
      input: () => ({ id: "workload-nowhere", decisionId: "decision-nowhere" }),
      expect: operate.missing,
    },
  ],
  "workload.transition": [
    {
      relation: "own team",
      input: async (fx) => ({ id: await fx.pendingWorkload("own"), to: "CANCELLED" }),
      expect: operate.own,
    },
    {
      relation: "other team",
      input: async (fx) => ({ id: await fx.pendingWorkload("other"), to: "CANCELLED" }),
      expect: operate.other,
    },
    {
      relation: "missing",
      input: () => ({ id: "workload-nowhere", to: "CANCELLED" }),
      expect: operate.missing,
    },
  ],
  "workload.transfers": [
    { relation: "own team", input: (fx) => ({ id: fx.ownTeamWorkloadId }), expect: OK_ALL },
    {
      relation: "other team",
      input: (fx) => ({ id: fx.otherTeamWorkloadId }),
      expect: seenByEveryTeamButOthers,
    },
    { relation: "missing", input: () => ({ id: "workload-nowhere" }), expect: all("NOT_FOUND") },
  ],
  "workload.finishTransfer": [
    {
      relation: "missing",
      input: () => ({ id: "transfer-nowhere", outcome: "COMPLETED" }),
      expect: only(EDITORS, "NOT_FOUND"),
    },
  ],
  // Webhooks hold signing secrets: admins only. Unknown ids and invalid input write nothing.
  "webhook.list": [{ relation: "every webhook", expect: only(ADMINS) }],
  "webhook.create": [{ relation: "invalid", input: () => ({}), expect: only(ADMINS, "BAD_REQUEST") }],
  "webhook.update": [
    {
      relation: "missing",
      input: () => ({ id: "webhook-nowhere", enabled: false }),
      expect: only(ADMINS, "NOT_FOUND"),
    },
  ],
  "webhook.remove": [
    { relation: "missing", input: () => ({ id: "webhook-nowhere" }), expect: only(ADMINS, "NOT_FOUND") },
  ],
  "webhook.rotateSecret": [
    { relation: "missing", input: () => ({ id: "webhook-nowhere" }), expect: only(ADMINS, "NOT_FOUND") },
  ],
  "webhook.sendTest": [
    { relation: "missing", input: () => ({ id: "webhook-nowhere" }), expect: only(ADMINS, "NOT_FOUND") },
  ],
  "webhook.deliveries": [{ relation: "every delivery", input: () => ({}), expect: only(ADMINS) }],
  "webhook.redeliver": [
    { relation: "missing", input: () => ({ id: "delivery-nowhere" }), expect: only(ADMINS, "NOT_FOUND") },
  ],
};

export const SESSION_USERS: Record<TRole, TSessionUser> = {
  ADMIN: USERS.admin,
  PLATFORM_ENGINEER: USERS.platform,
  DATA_STEWARD: USERS.steward,
  ML_ENGINEER: USERS.engineer,
  VIEWER: USERS.viewer,
};

/** One procedure call as one caller; resolves to the outcome and, when OK, the answer. */
export type TTransport = (
  user: TSessionUser | null,
  procedure: string,
  input: unknown,
) => Promise<{ outcome: TOutcome | string; answer?: unknown }>;

const createCaller = createCallerFactory(appRouter);
type TCallable = (input?: unknown) => Promise<unknown>;

export function trpcTransport(prisma: PrismaClient): TTransport {
  return async (user, procedure, input) => {
    const caller = createCaller(createInnerContext({ prisma, user })) as unknown as Record<
      string,
      Record<string, TCallable>
    >;
    const [router, name] = procedure.split(".") as [string, string];
    const call = caller[router]?.[name];
    if (!call) throw new Error(`no caller for ${procedure}`);
    return call(input).then(
      (answer) => ({ outcome: "OK", answer }),
      (error: { code?: string; message?: string }) => ({ outcome: error.code ?? `error: ${error.message}` }),
    );
  };
}

export type TRow = { procedure: string; relation: string; caller: TCaller; expected: string; actual: string };

/**
 * Runs every case of the matrix (or of the procedures named) as every caller. Returns one row
 * per call; a row whose `actual` differs from `expected` is a failure. A team-scoped OK answer
 * that shows what it should hide is reported as "OK, but shows <id>".
 */
export async function runMatrix(
  prisma: PrismaClient,
  options: {
    transport?: TTransport;
    only?: readonly string[];
    callers?: readonly TCaller[];
    /** One relation per procedure: for outcomes that cannot depend on the object (a missing token scope). */
    firstCaseOnly?: boolean;
  } = {},
): Promise<TRow[]> {
  const fx = await createFixtures(prisma);
  const transport = options.transport ?? trpcTransport(prisma);
  const rows: TRow[] = [];
  for (const [procedure, cases] of Object.entries(MATRIX)) {
    if (options.only && !options.only.includes(procedure)) continue;
    for (const c of options.firstCaseOnly ? cases.slice(0, 1) : cases) {
      for (const caller of options.callers ?? CALLERS) {
        const user = caller === "ANONYMOUS" ? null : SESSION_USERS[caller];
        // No session: the input is built as an admin would send it (fresh objects included).
        const input = await c.input?.(fx, user ?? SESSION_USERS.ADMIN);
        const { outcome, answer } = await transport(user, procedure, input);
        let actual = outcome;
        if (outcome === "OK" && c.hides && caller !== "ANONYMOUS") {
          const text = JSON.stringify(answer, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
          const shown = c.hides(fx, caller).filter((needle) => text.includes(`"${needle}"`));
          if (shown.length > 0) actual = `OK, but shows ${shown.slice(0, 3).join(", ")}`;
        }
        const expected = caller === "ANONYMOUS" ? "UNAUTHORIZED" : c.expect[caller];
        rows.push({ procedure, relation: c.relation, caller, expected, actual });
      }
    }
  }
  return rows;
}

/** The rows that failed, one line each, for a readable assertion. */
export function failures(rows: readonly TRow[]): string[] {
  return rows
    .filter((r) => r.actual !== r.expected)
    .map((r) => `${r.procedure} (${r.relation}) as ${r.caller}: expected ${r.expected}, got ${r.actual}`);
}

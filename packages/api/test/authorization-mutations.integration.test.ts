import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type * as Access from "../src/auth/access.ts";
import { failures, runMatrix } from "./authorization/matrix.ts";

/**
 * Proof that the authorisation matrix has teeth: the team checks of auth/access.ts are
 * weakened on purpose, one at a time, and the matrix must report the rows that break.
 *
 * The seam: this file (and only this file: vi.mock is per test file) replaces the module
 * auth/access.ts, through which every service and the tRPC middleware reach team scoping,
 * with the real module whose exported checks consult `mutation.current` first. With no
 * mutation they are the real functions, so the baseline run is the real behaviour.
 */
const mutation = vi.hoisted(() => ({
  current: null as null | "operate-any-team" | "see-every-team" | "submit-for-any-team",
}));

vi.mock("../src/auth/access.ts", async (importOriginal) => {
  const real = await importOriginal<typeof Access>();
  const weakened: typeof Access = {
    ...real,
    // The whole team scope gone: an ML engineer sees every team's work.
    teamScope: async (prisma, user) =>
      mutation.current === "see-every-team" ? null : real.teamScope(prisma, user),
    // The team check gone from operating one workload (place, schedule, transition).
    assertCanOperateWorkload: async (prisma, user, workloadId) => {
      if (mutation.current === "operate-any-team" && user.role === "ML_ENGINEER") {
        const exists = await prisma.workload.count({ where: { id: workloadId } });
        if (exists) return;
      }
      return real.assertCanOperateWorkload(prisma, user, workloadId);
    },
    // The team check gone from submitting: roles still apply.
    assertMayUseTeam: async (prisma, user, teamId) => {
      if (mutation.current === "submit-for-any-team" && user.role === "ML_ENGINEER") return;
      return real.assertMayUseTeam(prisma, user, teamId);
    },
  };
  return weakened;
});

/** The procedures whose answers depend on team scoping: the rows a weakened access module can break. */
const TEAM_SCOPED = [
  "approval.list",
  "approval.byId",
  "approval.decide",
  "evidence.workload",
  "workload.list",
  "workload.byId",
  "workload.submit",
  "workload.submitBatch",
  "workload.place",
  "workload.schedule",
  "workload.transition",
];

describe("the authorisation matrix with a weakened access module [pglite]", () => {
  let t: TTestDb;
  let baseline: string[];
  const failuresUnder = async (m: typeof mutation.current) => {
    mutation.current = m;
    try {
      const found = failures(await runMatrix(t.db.prisma, { only: TEAM_SCOPED }));
      // Rows that already fail without the mutation are not the mutation's doing.
      return found.filter((f) => !baseline.includes(f));
    } finally {
      mutation.current = null;
    }
  };

  beforeAll(async () => {
    t = await createTestDb("pglite");
    await seedDemo(t.db);
    baseline = failures(await runMatrix(t.db.prisma, { only: TEAM_SCOPED }));
  }, 300_000);
  afterAll(() => t.cleanup());

  it("reports an ML engineer placing, scheduling and cancelling another team's workload", async () => {
    expect(await failuresUnder("operate-any-team")).toEqual([
      "workload.place (other team) as ML_ENGINEER: expected NOT_FOUND, got OK",
      "workload.schedule (other team) as ML_ENGINEER: expected NOT_FOUND, got OK",
      "workload.transition (other team) as ML_ENGINEER: expected NOT_FOUND, got OK",
    ]);
  }, 300_000);

  it("reports an ML engineer seeing another team's workloads and requests", async () => {
    const found = await failuresUnder("see-every-team");
    expect(found).toEqual(
      expect.arrayContaining([
        "approval.byId (other team's request) as ML_ENGINEER: expected NOT_FOUND, got OK",
        "evidence.workload (other team) as ML_ENGINEER: expected NOT_FOUND, got OK",
        "workload.byId (other team) as ML_ENGINEER: expected NOT_FOUND, got OK",
        expect.stringMatching(/^workload\.list \(.*\) as ML_ENGINEER: expected OK, got OK, but shows /),
        expect.stringMatching(/^approval\.list \(.*\) as ML_ENGINEER: expected OK, got OK, but shows /),
      ]),
    );
  }, 300_000);

  it("reports an ML engineer submitting for another team", async () => {
    expect(await failuresUnder("submit-for-any-team")).toEqual([
      "workload.submit (other team) as ML_ENGINEER: expected FORBIDDEN, got OK",
      "workload.submitBatch (own team and another team) as ML_ENGINEER: expected FORBIDDEN, got OK",
    ]);
  }, 300_000);
});

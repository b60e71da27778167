import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { appRouter } from "../src/root.ts";
import type { TWorkloadSpec } from "../src/router/workload/workload.schema.ts";
import { hardBudgetsLeft, teamBudgetStatus } from "../src/services/team-budget.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { auditCount, errorOf, USERS } from "./helpers.ts";
import { NOW, seedSpendEstate } from "./support/spend-estate.ts";

const createCaller = createCallerFactory(appRouter);

/** One L4 for two hours for Applied ML, without data: nothing but a budget can stop it. */
const SMALL: Omit<TWorkloadSpec, "deadline"> = {
  name: "budgeted",
  kind: "BATCH_INFERENCE",
  teamId: "team-applied-ml",
  gpu: { count: 1 },
  gpuModels: ["L4"],
  estimatedHours: 2,
  datasetIds: [],
  requiredCertifications: [],
  allowedKinds: [],
  priority: 0,
  preemptible: false,
  dependsOn: [],
};

describeEachDb("team budgets", (kind) => {
  describe("on the demo estate", () => {
    let t: TTestDb;
    const as = (u: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));
    beforeAll(async () => {
      t = await createTestDb(kind);
      await seedDemo(t.db);
    });
    afterAll(() => t.cleanup());

    it("sets, audits and removes a budget", async () => {
      const set = await as(USERS.platform).team.setBudget({
        teamId: "team-vision-edge",
        monthlyUsd: 12_500.5,
        mode: "SOFT",
      });
      expect(set).toEqual({ id: "team-vision-edge", monthlyUsd: 12_500.5, mode: "SOFT" });
      const status = await as(USERS.viewer).team.budget({ id: "team-vision-edge" });
      expect(status).toMatchObject({ monthlyUsd: 12_500.5, mode: "SOFT", teamName: "Vision at the Edge" });
      expect(status.remainingUsd).toBeCloseTo(12_500.5 - status.monthToDateUsd, 2);
      expect(await auditCount(t.db, "team-vision-edge", "team.budget.update")).toBe(1);
      await as(USERS.admin).team.setBudget({ teamId: "team-vision-edge", monthlyUsd: null, mode: "SOFT" });
      expect(await as(USERS.viewer).team.budget({ id: "team-vision-edge" })).toMatchObject({
        monthlyUsd: null,
        remainingUsd: null,
        overBudget: false,
      });
      expect(await auditCount(t.db, "team-vision-edge", "team.budget.update")).toBe(2);
    });

    it.each([
      [{ monthlyUsd: -5 }, "monthlyUsd", "more than $0"],
      [{ monthlyUsd: 10.001 }, "monthlyUsd", "cents"],
      [{ monthlyUsd: "lots" }, "monthlyUsd", "monthly budget"],
      [{ mode: "STRICT" }, "mode", "SOFT"],
    ])("refuses %j naming the field", async (bad, field, words) => {
      const error = await errorOf(
        as(USERS.admin).team.setBudget({
          teamId: "team-vision-edge",
          monthlyUsd: 100,
          mode: "SOFT",
          ...bad,
        } as never),
      );
      expect(error).toMatchObject({ code: "BAD_REQUEST", fields: [field] });
      expect(error.message).toContain(words);
    });

    it("HARD: the engine refuses what the team cannot pay for, saying why", async () => {
      expect((await as(USERS.engineer).workload.preview(SMALL)).feasible).toBe(true);
      await as(USERS.admin).team.setBudget({ teamId: "team-applied-ml", monthlyUsd: 0.01, mode: "HARD" });
      // Every rejected site with its reasons: a compact answer only counts them.
      const preview = await as(USERS.engineer).workload.preview({ ...SMALL, candidates: "all" });
      expect(preview.feasible).toBe(false);
      const reasons = preview.rejected.flatMap((r) => r.reasons).filter((r) => r.plugin === "team-budget");
      expect(reasons.length).toBeGreaterThan(0);
      // $0.01 less what the team's running work has cost since the seed: a cent or nothing.
      expect(reasons[0]?.message).toMatch(/^over team team-applied-ml's monthly budget: \$0\.0[01] left$/);
      expect(reasons[0]?.detail).toMatch(/^cheapest option \$\d+\.\d\d$/);
      // A bigger budget lets it through again.
      await as(USERS.admin).team.setBudget({
        teamId: "team-applied-ml",
        monthlyUsd: 10_000_000,
        mode: "HARD",
      });
      expect((await as(USERS.engineer).workload.preview(SMALL)).feasible).toBe(true);
      await as(USERS.admin).team.setBudget({ teamId: "team-applied-ml", monthlyUsd: null, mode: "SOFT" });
    });

    it("SOFT: a BUDGET_EXCEEDED rule asks for approval when a placement goes over", async () => {
      await as(USERS.admin).policy.create({
        key: "team-budget",
        name: "Over the team's budget",
        description: "",
        kind: "BUDGET_EXCEEDED",
        enabled: true,
        approverKind: "ROLE",
        approverRole: "PLATFORM_ENGINEER",
        requiredApprovals: 1,
        thresholdUsd: null,
        stepOrder: 50,
        expiresAfterHours: 24,
      });
      const schedule = async (name: string) => {
        const { id } = await as(USERS.engineer).workload.submit({ spec: { ...SMALL, name } });
        const w = await as(USERS.engineer).workload.byId({ id });
        return as(USERS.engineer).workload.schedule({ id, decisionId: w.decision?.id ?? "" });
      };
      // Without a budget the rule has nothing to say.
      expect((await schedule("within-budget")).state).toBe("SCHEDULED");
      await as(USERS.admin).team.setBudget({ teamId: "team-applied-ml", monthlyUsd: 0.01, mode: "SOFT" });
      const preview = await as(USERS.engineer).workload.preview(SMALL);
      expect(preview.feasible).toBe(true);
      expect(preview.candidates[0]?.approvals.map((a) => a.kind)).toEqual(["BUDGET_EXCEEDED"]);
      const result = await schedule("over-budget");
      expect(result.state).toBe("AWAITING_APPROVAL");
      const step = await t.db.prisma.approvalStep.findFirstOrThrow({
        where: { requestId: result.approvalRequestId ?? "" },
      });
      expect(step.approverRole).toBe("PLATFORM_ENGINEER");
      expect(step.reason).toMatch(
        /spent this month \+ estimated \$\d+ takes Applied ML over its \$0 monthly budget/,
      );
    });
  });

  describe("on an exact history", () => {
    let t: TTestDb;
    beforeAll(async () => {
      t = await createTestDb(kind);
      await seedSpendEstate(t.db.prisma);
      await t.db.prisma.team.update({
        where: { id: "team-alpha" },
        data: { monthlyBudgetUsd: 100, budgetMode: "HARD" },
      });
      await t.db.prisma.team.update({
        where: { id: "team-beta" },
        data: { monthlyBudgetUsd: 500, budgetMode: "HARD" },
      });
    });
    afterAll(() => t.cleanup());

    it("compares month-to-date spend and a linear forecast with the budget", async () => {
      // Alpha by Dec 10 12:00: $96 of GPUs + $5.50 egress; 9.5 of December's 31 days gone.
      expect(await teamBudgetStatus(t.db.prisma, "team-alpha", NOW)).toEqual({
        teamId: "team-alpha",
        teamName: "Alpha",
        monthlyUsd: 100,
        mode: "HARD",
        month: "2026-12",
        monthToDateUsd: 101.5,
        unpricedGpuHours: 0,
        forecastUsd: 331.21,
        remainingUsd: -1.5,
        overBudget: true,
        forecastOverBudget: true,
      });
      // Beta's November hour is last month's; December has 1 unpriced GPU-hour and $48.
      expect(await teamBudgetStatus(t.db.prisma, "team-beta", NOW)).toMatchObject({
        monthToDateUsd: 48,
        unpricedGpuHours: 1,
        remainingUsd: 452,
      });
    });

    it("gives the engine what each HARD team has left, never below 0", async () => {
      const left = await hardBudgetsLeft(t.db.prisma, ["team-alpha", "team-beta", "team-nowhere"], NOW);
      expect(Object.fromEntries(left)).toEqual({ "team-alpha": 0, "team-beta": 452 });
    });
  });
});

-- Team budgets: a monthly budget in USD per team, soft (a warning and an approval through the
-- BUDGET_EXCEEDED policy kind) or hard (the engine's team-budget filter refuses).

-- AlterEnum
ALTER TYPE "PolicyKind" ADD VALUE 'BUDGET_EXCEEDED';

-- CreateEnum
CREATE TYPE "BudgetMode" AS ENUM ('SOFT', 'HARD');

-- AlterTable
ALTER TABLE "Team" ADD COLUMN "monthlyBudgetUsd" DECIMAL(14,2),
ADD COLUMN "budgetMode" "BudgetMode" NOT NULL DEFAULT 'SOFT';

-- Fair sharing (issue 19): a hierarchy of teams (organisation -> department -> team) whose
-- unused guarantee is lent inside the department first, a weight per team, entitlements that
-- can be limited to a named group of sites, GPUs marked as held within the guarantee or
-- borrowed, and reclaims (borrowed GPUs taken back, with a grace period and the reason kept
-- for both workloads).

-- CreateEnum
CREATE TYPE "TeamGroupKind" AS ENUM ('ORGANISATION', 'DEPARTMENT');

-- CreateEnum
CREATE TYPE "EntitlementShare" AS ENUM ('GUARANTEED', 'BORROWED');

-- CreateEnum
CREATE TYPE "ReclaimStatus" AS ENUM ('GRACE', 'DONE', 'CANCELLED');

-- CreateTable
CREATE TABLE "TeamGroup" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "TeamGroupKind" NOT NULL,
    "parentId" TEXT,
    "weight" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TeamGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SiteGroup" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "siteIds" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SiteGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Reclaim" (
    "id" TEXT NOT NULL,
    "victimId" TEXT NOT NULL,
    "beneficiaryId" TEXT NOT NULL,
    "status" "ReclaimStatus" NOT NULL DEFAULT 'GRACE',
    "reason" TEXT NOT NULL,
    "gpus" INTEGER NOT NULL,
    "graceEndsAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "Reclaim_pkey" PRIMARY KEY ("id")
);

-- AlterTable
ALTER TABLE "Team" ADD COLUMN "groupId" TEXT,
ADD COLUMN "fairShareWeight" DOUBLE PRECISION NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "Quota" ADD COLUMN "siteGroupId" TEXT;

-- AlterTable
ALTER TABLE "Workload" ADD COLUMN "share" "EntitlementShare";

-- AlterTable
ALTER TABLE "Allocation" ADD COLUMN "share" "EntitlementShare" NOT NULL DEFAULT 'GUARANTEED';

-- CreateIndex
CREATE UNIQUE INDEX "TeamGroup_slug_key" ON "TeamGroup"("slug");

-- CreateIndex
CREATE INDEX "TeamGroup_parentId_idx" ON "TeamGroup"("parentId");

-- CreateIndex
CREATE UNIQUE INDEX "SiteGroup_slug_key" ON "SiteGroup"("slug");

-- CreateIndex
CREATE INDEX "Reclaim_status_graceEndsAt_idx" ON "Reclaim"("status", "graceEndsAt");

-- CreateIndex
CREATE INDEX "Reclaim_victimId_idx" ON "Reclaim"("victimId");

-- CreateIndex
CREATE INDEX "Reclaim_beneficiaryId_idx" ON "Reclaim"("beneficiaryId");

-- CreateIndex
CREATE INDEX "Quota_siteGroupId_idx" ON "Quota"("siteGroupId");

-- AddForeignKey
ALTER TABLE "Team" ADD CONSTRAINT "Team_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "TeamGroup"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Quota" ADD CONSTRAINT "Quota_siteGroupId_fkey" FOREIGN KEY ("siteGroupId") REFERENCES "SiteGroup"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamGroup" ADD CONSTRAINT "TeamGroup_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "TeamGroup"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Reclaim" ADD CONSTRAINT "Reclaim_victimId_fkey" FOREIGN KEY ("victimId") REFERENCES "Workload"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Reclaim" ADD CONSTRAINT "Reclaim_beneficiaryId_fkey" FOREIGN KEY ("beneficiaryId") REFERENCES "Workload"("id") ON DELETE CASCADE ON UPDATE CASCADE;

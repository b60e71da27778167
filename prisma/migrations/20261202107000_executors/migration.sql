-- Execution: a site's executor (MANUAL, SLURM, KUBERNETES) and the jobs handed to it.

-- CreateEnum
CREATE TYPE "ExecutorKind" AS ENUM ('MANUAL', 'SLURM', 'KUBERNETES');

-- CreateEnum
CREATE TYPE "ExternalJobStatus" AS ENUM ('INTENT', 'SUBMITTED', 'ENDED');

-- AlterTable
ALTER TABLE "Workload" ADD COLUMN "command" TEXT;

-- CreateTable
CREATE TABLE "SiteExecutor" (
    "siteId" TEXT NOT NULL,
    "kind" "ExecutorKind" NOT NULL DEFAULT 'MANUAL',
    "endpoint" TEXT,
    "userName" TEXT,
    "credential" TEXT,
    "partitions" JSONB NOT NULL DEFAULT '{}',
    "lastSyncAt" TIMESTAMP(3),
    "lastError" TEXT,
    "lastErrorAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SiteExecutor_pkey" PRIMARY KEY ("siteId")
);

-- CreateTable
CREATE TABLE "ExternalJob" (
    "id" TEXT NOT NULL,
    "workloadId" TEXT NOT NULL,
    "decisionId" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "kind" "ExecutorKind" NOT NULL,
    "status" "ExternalJobStatus" NOT NULL DEFAULT 'INTENT',
    "externalId" TEXT,
    "externalState" TEXT,
    "externalReason" TEXT,
    "exitCode" INTEGER,
    "nodes" TEXT,
    "script" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "submittedAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ExternalJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ExternalJob_siteId_status_idx" ON "ExternalJob"("siteId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ExternalJob_workloadId_decisionId_key" ON "ExternalJob"("workloadId", "decisionId");

-- AddForeignKey
ALTER TABLE "SiteExecutor" ADD CONSTRAINT "SiteExecutor_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExternalJob" ADD CONSTRAINT "ExternalJob_workloadId_fkey" FOREIGN KEY ("workloadId") REFERENCES "Workload"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExternalJob" ADD CONSTRAINT "ExternalJob_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

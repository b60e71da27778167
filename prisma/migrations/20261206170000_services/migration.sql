-- Online inference services: a model artifact served by replicas (ONLINE_INFERENCE workloads)
-- across sites, each user region's demand and SLO, and the plans the covering engine made.

-- CreateEnum
CREATE TYPE "ServiceApplyMode" AS ENUM ('PROPOSE', 'AUTO');

-- CreateEnum
CREATE TYPE "ServiceState" AS ENUM ('ACTIVE', 'STOPPED');

-- CreateEnum
CREATE TYPE "ServicePlanStatus" AS ENUM ('PROPOSED', 'APPLIED', 'SUPERSEDED');

-- AlterTable
ALTER TABLE "Workload" ADD COLUMN "serviceId" TEXT;

-- CreateTable
CREATE TABLE "Service" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "teamId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "gpuCount" INTEGER NOT NULL,
    "gpuModels" TEXT[],
    "minGpuMemoryGib" INTEGER,
    "replicaCapacityRps" DOUBLE PRECISION NOT NULL,
    "minReplicas" INTEGER NOT NULL DEFAULT 1,
    "maxReplicas" INTEGER NOT NULL,
    "allowedSiteKinds" "SiteKind"[],
    "requiredCertifications" TEXT[],
    "applyMode" "ServiceApplyMode" NOT NULL DEFAULT 'PROPOSE',
    "state" "ServiceState" NOT NULL DEFAULT 'ACTIVE',
    "stateReason" TEXT,
    "replanReason" TEXT,
    "replanRequestedAt" TIMESTAMP(3),
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Service_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceRegion" (
    "serviceId" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "demandRps" DOUBLE PRECISION NOT NULL,
    "maxLatencyMs" INTEGER NOT NULL,

    CONSTRAINT "ServiceRegion_pkey" PRIMARY KEY ("serviceId","region")
);

-- CreateTable
CREATE TABLE "ServicePlan" (
    "id" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "status" "ServicePlanStatus" NOT NULL DEFAULT 'PROPOSED',
    "feasible" BOOLEAN NOT NULL,
    "summary" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "costUsdPerHour" DECIMAL(14,2) NOT NULL,
    "demandRps" DOUBLE PRECISION NOT NULL,
    "servedRps" DOUBLE PRECISION NOT NULL,
    "replicas" JSONB NOT NULL,
    "regions" JSONB NOT NULL,
    "explanation" JSONB NOT NULL,
    "createdById" TEXT,
    "appliedById" TEXT,
    "appliedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ServicePlan_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Workload_serviceId_state_idx" ON "Workload"("serviceId", "state");

-- CreateIndex
CREATE INDEX "Service_modelId_idx" ON "Service"("modelId");

-- CreateIndex
CREATE INDEX "Service_state_idx" ON "Service"("state");

-- CreateIndex
CREATE UNIQUE INDEX "Service_teamId_name_key" ON "Service"("teamId", "name");

-- CreateIndex
CREATE INDEX "ServicePlan_serviceId_createdAt_idx" ON "ServicePlan"("serviceId", "createdAt");

-- CreateIndex
CREATE INDEX "ServicePlan_serviceId_status_idx" ON "ServicePlan"("serviceId", "status");

-- AddForeignKey
ALTER TABLE "Workload" ADD CONSTRAINT "Workload_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Service" ADD CONSTRAINT "Service_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Service" ADD CONSTRAINT "Service_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Dataset"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Service" ADD CONSTRAINT "Service_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceRegion" ADD CONSTRAINT "ServiceRegion_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServicePlan" ADD CONSTRAINT "ServicePlan_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'PLATFORM_ENGINEER', 'DATA_STEWARD', 'ML_ENGINEER', 'VIEWER');

-- CreateEnum
CREATE TYPE "TeamRole" AS ENUM ('LEAD', 'MEMBER');

-- CreateEnum
CREATE TYPE "SiteKind" AS ENUM ('ON_PREM', 'CLOUD', 'EDGE');

-- CreateEnum
CREATE TYPE "SiteStatus" AS ENUM ('ACTIVE', 'MAINTENANCE', 'DECOMMISSIONED');

-- CreateEnum
CREATE TYPE "NodeStatus" AS ENUM ('READY', 'CORDONED', 'DRAINING', 'DOWN');

-- CreateEnum
CREATE TYPE "Classification" AS ENUM ('PUBLIC', 'INTERNAL', 'CONFIDENTIAL', 'REGULATED');

-- CreateEnum
CREATE TYPE "ReplicaStatus" AS ENUM ('AVAILABLE', 'SYNCING');

-- CreateEnum
CREATE TYPE "WorkloadKind" AS ENUM ('TRAINING', 'FINE_TUNING', 'BATCH_INFERENCE', 'ONLINE_INFERENCE');

-- CreateEnum
CREATE TYPE "WorkloadState" AS ENUM ('DRAFT', 'PENDING', 'AWAITING_APPROVAL', 'SCHEDULED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'PREEMPTED', 'REJECTED');

-- CreateEnum
CREATE TYPE "DecisionStatus" AS ENUM ('PROPOSED', 'ACCEPTED', 'OVERRIDDEN', 'SUPERSEDED');

-- CreateEnum
CREATE TYPE "AllocationStatus" AS ENUM ('ACTIVE', 'RELEASED');

-- CreateEnum
CREATE TYPE "TransferStatus" AS ENUM ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "PolicyKind" AS ENUM ('REGULATED_DATA', 'CROSS_BORDER_TRANSFER', 'SPEND_THRESHOLD', 'PLACEMENT_OVERRIDE');

-- CreateEnum
CREATE TYPE "ApproverKind" AS ENUM ('DATASET_STEWARDS', 'ROLE');

-- CreateEnum
CREATE TYPE "ApprovalKind" AS ENUM ('WORKLOAD_PLACEMENT', 'DATA_TRANSFER');

-- CreateEnum
CREATE TYPE "ApprovalStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED', 'EXPIRED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "Verdict" AS ENUM ('APPROVE', 'REJECT');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'VIEWER',
    "passwordHash" TEXT,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "failedSignIns" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMP(3),
    "lastSignInAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Team" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Team_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "role" "TeamRole" NOT NULL DEFAULT 'MEMBER',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Quota" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "gpuModel" TEXT NOT NULL,
    "guaranteedGpus" INTEGER NOT NULL,
    "limitGpus" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Quota_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Quota_limits_check" CHECK ("guaranteedGpus" >= 0 AND "limitGpus" >= "guaranteedGpus")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "scopes" TEXT[],
    "expiresAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Site" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "SiteKind" NOT NULL,
    "provider" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "country" CHAR(2) NOT NULL,
    "jurisdiction" TEXT NOT NULL,
    "certifications" TEXT[],
    "wanGbps" DECIMAL(10,2) NOT NULL,
    "egressUsdPerGb" DECIMAL(10,4) NOT NULL,
    "carbonGPerKwh" INTEGER NOT NULL,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,
    "status" "SiteStatus" NOT NULL DEFAULT 'ACTIVE',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Site_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SitePrice" (
    "id" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "gpuModel" TEXT NOT NULL,
    "usdPerGpuHour" DECIMAL(12,4) NOT NULL,
    "spotUsdPerGpuHour" DECIMAL(12,4),
    "source" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SitePrice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SiteLatency" (
    "id" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "userRegion" TEXT NOT NULL,
    "latencyMs" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SiteLatency_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GpuNode" (
    "id" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "gpuModel" TEXT NOT NULL,
    "gpuCount" INTEGER NOT NULL,
    "gpuAllocated" INTEGER NOT NULL DEFAULT 0,
    "gpuMemoryGib" INTEGER NOT NULL,
    "fabric" TEXT NOT NULL,
    "interconnect" TEXT NOT NULL,
    "status" "NodeStatus" NOT NULL DEFAULT 'READY',
    "lastHeartbeatAt" TIMESTAMP(3),
    "driverVersion" TEXT,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GpuNode_pkey" PRIMARY KEY ("id"),
    -- The invariant of allocation: whatever the concurrency, a node never hands out more GPUs than it has.
    CONSTRAINT "GpuNode_gpuAllocated_check" CHECK ("gpuAllocated" >= 0 AND "gpuAllocated" <= "gpuCount")
);

-- CreateTable
CREATE TABLE "Dataset" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "sizeBytes" BIGINT NOT NULL,
    "classification" "Classification" NOT NULL,
    "regulations" TEXT[],
    "residencyCountries" TEXT[],
    "residencyJurisdictions" TEXT[],
    "onPremOnly" BOOLEAN NOT NULL DEFAULT false,
    "ownerTeamId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Dataset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DatasetSteward" (
    "datasetId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DatasetSteward_pkey" PRIMARY KEY ("datasetId","userId")
);

-- CreateTable
CREATE TABLE "DatasetReplica" (
    "id" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "sizeBytes" BIGINT NOT NULL,
    "status" "ReplicaStatus" NOT NULL DEFAULT 'AVAILABLE',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DatasetReplica_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Workload" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "WorkloadKind" NOT NULL,
    "state" "WorkloadState" NOT NULL DEFAULT 'DRAFT',
    "stateReason" TEXT,
    "teamId" TEXT NOT NULL,
    "submittedById" TEXT NOT NULL,
    "clientKey" TEXT,
    "gpuCount" INTEGER NOT NULL,
    "gangNodes" INTEGER,
    "gpusPerNode" INTEGER,
    "gpuModels" TEXT[],
    "minGpuMemoryGib" INTEGER,
    "estimatedHours" DECIMAL(10,2) NOT NULL,
    "userRegion" TEXT,
    "latencySloMs" INTEGER,
    "requiredCertifications" TEXT[],
    "allowedSiteKinds" "SiteKind"[],
    "priority" INTEGER NOT NULL DEFAULT 0,
    "preemptible" BOOLEAN NOT NULL DEFAULT false,
    "budgetUsd" DECIMAL(14,2),
    "deadline" TIMESTAMP(3),
    "policyProfile" TEXT,
    "siteId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Workload_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkloadDataset" (
    "workloadId" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,

    CONSTRAINT "WorkloadDataset_pkey" PRIMARY KEY ("workloadId","datasetId")
);

-- CreateTable
CREATE TABLE "WorkloadDependency" (
    "workloadId" TEXT NOT NULL,
    "dependsOnId" TEXT NOT NULL,

    CONSTRAINT "WorkloadDependency_pkey" PRIMARY KEY ("workloadId","dependsOnId")
);

-- CreateTable
CREATE TABLE "WorkloadEvent" (
    "id" TEXT NOT NULL,
    "workloadId" TEXT NOT NULL,
    "fromState" "WorkloadState",
    "toState" "WorkloadState" NOT NULL,
    "actorId" TEXT,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkloadEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlacementDecision" (
    "id" TEXT NOT NULL,
    "workloadId" TEXT NOT NULL,
    "status" "DecisionStatus" NOT NULL DEFAULT 'PROPOSED',
    "feasible" BOOLEAN NOT NULL,
    "profile" TEXT NOT NULL,
    "policyVersion" INTEGER,
    "engineVersion" TEXT NOT NULL,
    "recommendedSiteId" TEXT,
    "chosenSiteId" TEXT,
    "estimatedCostUsd" DECIMAL(14,2),
    "summary" TEXT NOT NULL,
    "candidates" JSONB NOT NULL,
    "rejections" JSONB NOT NULL,
    "overrideReason" TEXT,
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PlacementDecision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Allocation" (
    "id" TEXT NOT NULL,
    "workloadId" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "decisionId" TEXT,
    "gpus" INTEGER NOT NULL,
    "status" "AllocationStatus" NOT NULL DEFAULT 'ACTIVE',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "releasedAt" TIMESTAMP(3),

    CONSTRAINT "Allocation_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Allocation_gpus_check" CHECK ("gpus" > 0)
);

-- CreateTable
CREATE TABLE "DataTransfer" (
    "id" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,
    "workloadId" TEXT,
    "sourceSiteId" TEXT NOT NULL,
    "destinationSiteId" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "costUsd" DECIMAL(14,4) NOT NULL,
    "etaSeconds" INTEGER NOT NULL,
    "status" "TransferStatus" NOT NULL DEFAULT 'PENDING',
    "startedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DataTransfer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Policy" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "kind" "PolicyKind" NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "approverKind" "ApproverKind" NOT NULL,
    "approverRole" "Role",
    "requiredApprovals" INTEGER NOT NULL DEFAULT 1,
    "thresholdUsd" DECIMAL(14,2),
    "stepOrder" INTEGER NOT NULL DEFAULT 0,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Policy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApprovalRequest" (
    "id" TEXT NOT NULL,
    "kind" "ApprovalKind" NOT NULL,
    "status" "ApprovalStatus" NOT NULL DEFAULT 'PENDING',
    "workloadId" TEXT,
    "transferId" TEXT,
    "requestedById" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "decidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ApprovalRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApprovalStep" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "order" INTEGER NOT NULL,
    "policyId" TEXT NOT NULL,
    "approverKind" "ApproverKind" NOT NULL,
    "approverRole" "Role",
    "datasetId" TEXT,
    "requiredApprovals" INTEGER NOT NULL,
    "status" "ApprovalStatus" NOT NULL DEFAULT 'PENDING',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApprovalStep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApprovalDecision" (
    "id" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "deciderId" TEXT NOT NULL,
    "verdict" "Verdict" NOT NULL,
    "comment" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApprovalDecision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "seq" BIGSERIAL NOT NULL,
    "actorId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "objectType" TEXT NOT NULL,
    "objectId" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "requestId" TEXT,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Team_slug_key" ON "Team"("slug");

-- CreateIndex
CREATE INDEX "Membership_teamId_idx" ON "Membership"("teamId");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_userId_teamId_key" ON "Membership"("userId", "teamId");

-- CreateIndex
CREATE UNIQUE INDEX "Quota_teamId_gpuModel_key" ON "Quota"("teamId", "gpuModel");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_prefix_key" ON "ApiToken"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Site_slug_key" ON "Site"("slug");

-- CreateIndex
CREATE INDEX "Site_kind_status_idx" ON "Site"("kind", "status");

-- CreateIndex
CREATE INDEX "Site_country_idx" ON "Site"("country");

-- CreateIndex
CREATE INDEX "SitePrice_gpuModel_idx" ON "SitePrice"("gpuModel");

-- CreateIndex
CREATE UNIQUE INDEX "SitePrice_siteId_gpuModel_key" ON "SitePrice"("siteId", "gpuModel");

-- CreateIndex
CREATE INDEX "SiteLatency_userRegion_idx" ON "SiteLatency"("userRegion");

-- CreateIndex
CREATE UNIQUE INDEX "SiteLatency_siteId_userRegion_key" ON "SiteLatency"("siteId", "userRegion");

-- CreateIndex
CREATE INDEX "GpuNode_status_idx" ON "GpuNode"("status");

-- CreateIndex
CREATE INDEX "GpuNode_gpuModel_status_idx" ON "GpuNode"("gpuModel", "status");

-- CreateIndex
CREATE INDEX "GpuNode_lastHeartbeatAt_idx" ON "GpuNode"("lastHeartbeatAt");

-- CreateIndex
CREATE UNIQUE INDEX "GpuNode_siteId_hostname_key" ON "GpuNode"("siteId", "hostname");

-- CreateIndex
CREATE UNIQUE INDEX "Dataset_slug_key" ON "Dataset"("slug");

-- CreateIndex
CREATE INDEX "Dataset_classification_idx" ON "Dataset"("classification");

-- CreateIndex
CREATE INDEX "Dataset_ownerTeamId_idx" ON "Dataset"("ownerTeamId");

-- CreateIndex
CREATE INDEX "DatasetSteward_userId_idx" ON "DatasetSteward"("userId");

-- CreateIndex
CREATE INDEX "DatasetReplica_siteId_idx" ON "DatasetReplica"("siteId");

-- CreateIndex
CREATE UNIQUE INDEX "DatasetReplica_datasetId_siteId_key" ON "DatasetReplica"("datasetId", "siteId");

-- CreateIndex
CREATE INDEX "Workload_state_priority_idx" ON "Workload"("state", "priority");

-- CreateIndex
CREATE INDEX "Workload_teamId_state_idx" ON "Workload"("teamId", "state");

-- CreateIndex
CREATE INDEX "Workload_siteId_idx" ON "Workload"("siteId");

-- CreateIndex
CREATE INDEX "Workload_createdAt_idx" ON "Workload"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Workload_teamId_clientKey_key" ON "Workload"("teamId", "clientKey");

-- CreateIndex
CREATE INDEX "WorkloadDataset_datasetId_idx" ON "WorkloadDataset"("datasetId");

-- CreateIndex
CREATE INDEX "WorkloadDependency_dependsOnId_idx" ON "WorkloadDependency"("dependsOnId");

-- CreateIndex
CREATE INDEX "WorkloadEvent_workloadId_createdAt_idx" ON "WorkloadEvent"("workloadId", "createdAt");

-- CreateIndex
CREATE INDEX "PlacementDecision_workloadId_createdAt_idx" ON "PlacementDecision"("workloadId", "createdAt");

-- CreateIndex
CREATE INDEX "Allocation_nodeId_status_idx" ON "Allocation"("nodeId", "status");

-- CreateIndex
CREATE INDEX "Allocation_workloadId_status_idx" ON "Allocation"("workloadId", "status");

-- CreateIndex
CREATE INDEX "DataTransfer_status_idx" ON "DataTransfer"("status");

-- CreateIndex
CREATE INDEX "DataTransfer_workloadId_idx" ON "DataTransfer"("workloadId");

-- CreateIndex
CREATE INDEX "DataTransfer_datasetId_idx" ON "DataTransfer"("datasetId");

-- CreateIndex
CREATE INDEX "Policy_kind_enabled_idx" ON "Policy"("kind", "enabled");

-- CreateIndex
CREATE UNIQUE INDEX "Policy_key_version_key" ON "Policy"("key", "version");

-- CreateIndex
CREATE INDEX "ApprovalRequest_status_expiresAt_idx" ON "ApprovalRequest"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "ApprovalRequest_workloadId_idx" ON "ApprovalRequest"("workloadId");

-- CreateIndex
CREATE UNIQUE INDEX "ApprovalStep_requestId_order_key" ON "ApprovalStep"("requestId", "order");

-- CreateIndex
CREATE UNIQUE INDEX "ApprovalDecision_stepId_deciderId_key" ON "ApprovalDecision"("stepId", "deciderId");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_hash_key" ON "AuditEvent"("hash");

-- CreateIndex
CREATE INDEX "AuditEvent_objectType_objectId_idx" ON "AuditEvent"("objectType", "objectId");

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_idx" ON "AuditEvent"("actorId");

-- CreateIndex
CREATE INDEX "AuditEvent_createdAt_idx" ON "AuditEvent"("createdAt");

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Quota" ADD CONSTRAINT "Quota_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SitePrice" ADD CONSTRAINT "SitePrice_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SiteLatency" ADD CONSTRAINT "SiteLatency_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GpuNode" ADD CONSTRAINT "GpuNode_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dataset" ADD CONSTRAINT "Dataset_ownerTeamId_fkey" FOREIGN KEY ("ownerTeamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DatasetSteward" ADD CONSTRAINT "DatasetSteward_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DatasetSteward" ADD CONSTRAINT "DatasetSteward_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DatasetReplica" ADD CONSTRAINT "DatasetReplica_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DatasetReplica" ADD CONSTRAINT "DatasetReplica_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Workload" ADD CONSTRAINT "Workload_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Workload" ADD CONSTRAINT "Workload_submittedById_fkey" FOREIGN KEY ("submittedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Workload" ADD CONSTRAINT "Workload_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WorkloadDataset" ADD CONSTRAINT "WorkloadDataset_workloadId_fkey" FOREIGN KEY ("workloadId") REFERENCES "Workload"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WorkloadDataset" ADD CONSTRAINT "WorkloadDataset_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WorkloadDependency" ADD CONSTRAINT "WorkloadDependency_workloadId_fkey" FOREIGN KEY ("workloadId") REFERENCES "Workload"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WorkloadDependency" ADD CONSTRAINT "WorkloadDependency_dependsOnId_fkey" FOREIGN KEY ("dependsOnId") REFERENCES "Workload"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WorkloadEvent" ADD CONSTRAINT "WorkloadEvent_workloadId_fkey" FOREIGN KEY ("workloadId") REFERENCES "Workload"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WorkloadEvent" ADD CONSTRAINT "WorkloadEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlacementDecision" ADD CONSTRAINT "PlacementDecision_workloadId_fkey" FOREIGN KEY ("workloadId") REFERENCES "Workload"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlacementDecision" ADD CONSTRAINT "PlacementDecision_recommendedSiteId_fkey" FOREIGN KEY ("recommendedSiteId") REFERENCES "Site"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlacementDecision" ADD CONSTRAINT "PlacementDecision_chosenSiteId_fkey" FOREIGN KEY ("chosenSiteId") REFERENCES "Site"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlacementDecision" ADD CONSTRAINT "PlacementDecision_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_workloadId_fkey" FOREIGN KEY ("workloadId") REFERENCES "Workload"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "GpuNode"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_decisionId_fkey" FOREIGN KEY ("decisionId") REFERENCES "PlacementDecision"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DataTransfer" ADD CONSTRAINT "DataTransfer_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DataTransfer" ADD CONSTRAINT "DataTransfer_workloadId_fkey" FOREIGN KEY ("workloadId") REFERENCES "Workload"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DataTransfer" ADD CONSTRAINT "DataTransfer_sourceSiteId_fkey" FOREIGN KEY ("sourceSiteId") REFERENCES "Site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DataTransfer" ADD CONSTRAINT "DataTransfer_destinationSiteId_fkey" FOREIGN KEY ("destinationSiteId") REFERENCES "Site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Policy" ADD CONSTRAINT "Policy_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalRequest" ADD CONSTRAINT "ApprovalRequest_workloadId_fkey" FOREIGN KEY ("workloadId") REFERENCES "Workload"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalRequest" ADD CONSTRAINT "ApprovalRequest_transferId_fkey" FOREIGN KEY ("transferId") REFERENCES "DataTransfer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalRequest" ADD CONSTRAINT "ApprovalRequest_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalStep" ADD CONSTRAINT "ApprovalStep_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "ApprovalRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalStep" ADD CONSTRAINT "ApprovalStep_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "Policy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalDecision" ADD CONSTRAINT "ApprovalDecision_stepId_fkey" FOREIGN KEY ("stepId") REFERENCES "ApprovalStep"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalDecision" ADD CONSTRAINT "ApprovalDecision_deciderId_fkey" FOREIGN KEY ("deciderId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

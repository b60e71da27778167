-- Model artifacts with lineage: a model is a Dataset row of kind MODEL (placement, copies,
-- residency and approvals treat it like the data it was trained on), with its version, the
-- run and site that produced it, what it was trained on, and steward-approved declassifications.

-- AlterEnum
ALTER TYPE "PolicyKind" ADD VALUE 'DECLASSIFICATION';
ALTER TYPE "ApprovalKind" ADD VALUE 'DECLASSIFICATION';

-- CreateEnum
CREATE TYPE "DatasetKind" AS ENUM ('DATASET', 'MODEL');

-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN "kind" "DatasetKind" NOT NULL DEFAULT 'DATASET',
ADD COLUMN "version" TEXT,
ADD COLUMN "producedByWorkloadId" TEXT,
ADD COLUMN "producedAtSiteId" TEXT;

-- AlterTable
ALTER TABLE "Workload" ADD COLUMN "outputName" TEXT,
ADD COLUMN "outputVersion" TEXT,
ADD COLUMN "outputSizeBytes" BIGINT;

-- CreateTable
CREATE TABLE "ModelLineage" (
    "modelId" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,

    CONSTRAINT "ModelLineage_pkey" PRIMARY KEY ("modelId","sourceId")
);

-- CreateTable
CREATE TABLE "ModelDeclassification" (
    "id" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "requestedById" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "toClassification" "Classification" NOT NULL,
    "before" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelDeclassification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Dataset_producedByWorkloadId_key" ON "Dataset"("producedByWorkloadId");

-- CreateIndex
CREATE INDEX "Dataset_kind_idx" ON "Dataset"("kind");

-- CreateIndex
CREATE UNIQUE INDEX "Dataset_name_version_key" ON "Dataset"("name", "version");

-- CreateIndex
CREATE INDEX "ModelLineage_sourceId_idx" ON "ModelLineage"("sourceId");

-- CreateIndex
CREATE UNIQUE INDEX "ModelDeclassification_requestId_key" ON "ModelDeclassification"("requestId");

-- CreateIndex
CREATE INDEX "ModelDeclassification_modelId_idx" ON "ModelDeclassification"("modelId");

-- AddForeignKey
ALTER TABLE "Dataset" ADD CONSTRAINT "Dataset_producedByWorkloadId_fkey" FOREIGN KEY ("producedByWorkloadId") REFERENCES "Workload"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dataset" ADD CONSTRAINT "Dataset_producedAtSiteId_fkey" FOREIGN KEY ("producedAtSiteId") REFERENCES "Site"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelLineage" ADD CONSTRAINT "ModelLineage_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelLineage" ADD CONSTRAINT "ModelLineage_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Dataset"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelDeclassification" ADD CONSTRAINT "ModelDeclassification_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelDeclassification" ADD CONSTRAINT "ModelDeclassification_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "ApprovalRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelDeclassification" ADD CONSTRAINT "ModelDeclassification_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

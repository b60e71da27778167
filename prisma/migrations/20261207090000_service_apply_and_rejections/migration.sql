-- Inference services: a plan that could not be applied records why (it stays PROPOSED, nothing
-- of it applied), and a replica rejected by an approver at a site is remembered so that the
-- service's next plans leave that site out for that model for a back-off period.

-- AlterTable
ALTER TABLE "ServicePlan" ADD COLUMN "applyError" TEXT,
ADD COLUMN "applyFailedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ServiceSiteRejection" (
    "id" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "siteName" TEXT NOT NULL,
    "approvalRequestId" TEXT NOT NULL,
    "workloadId" TEXT NOT NULL,
    "what" TEXT NOT NULL,
    "comment" TEXT,
    "rejectedById" TEXT,
    "rejectedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ServiceSiteRejection_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ServiceSiteRejection_approvalRequestId_key" ON "ServiceSiteRejection"("approvalRequestId");

-- CreateIndex
CREATE INDEX "ServiceSiteRejection_serviceId_modelId_rejectedAt_idx" ON "ServiceSiteRejection"("serviceId", "modelId", "rejectedAt");

-- AddForeignKey
ALTER TABLE "ServiceSiteRejection" ADD CONSTRAINT "ServiceSiteRejection_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE CASCADE ON UPDATE CASCADE;

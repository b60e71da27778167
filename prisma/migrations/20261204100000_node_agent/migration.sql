-- Node agent: what it reports about a node, and GPU telemetry (raw samples kept 24 h,
-- 5-minute rollups 30 days, hourly rollups a year; the loop rolls up and prunes).

-- AlterTable
ALTER TABLE "GpuNode" ADD COLUMN "cudaVersion" TEXT,
ADD COLUMN "migMode" TEXT,
ADD COLUMN "agentVersion" TEXT;

-- CreateTable
CREATE TABLE "GpuSample" (
    "nodeId" TEXT NOT NULL,
    "gpuIndex" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "utilizationPct" DOUBLE PRECISION NOT NULL,
    "memoryUsedMib" INTEGER NOT NULL,
    "powerW" DOUBLE PRECISION,
    "temperatureC" DOUBLE PRECISION,
    "eccErrors" INTEGER,
    "xidErrors" INTEGER,

    CONSTRAINT "GpuSample_pkey" PRIMARY KEY ("nodeId","gpuIndex","at")
);

-- CreateTable
CREATE TABLE "GpuSample5m" (
    "nodeId" TEXT NOT NULL,
    "gpuIndex" INTEGER NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "samples" INTEGER NOT NULL,
    "utilizationAvg" DOUBLE PRECISION NOT NULL,
    "utilizationMax" DOUBLE PRECISION NOT NULL,
    "memoryUsedAvg" DOUBLE PRECISION NOT NULL,
    "memoryUsedMax" INTEGER NOT NULL,
    "powerAvg" DOUBLE PRECISION,
    "powerMax" DOUBLE PRECISION,
    "temperatureAvg" DOUBLE PRECISION,
    "temperatureMax" DOUBLE PRECISION,
    "eccErrorsMax" INTEGER,
    "xidErrorsMax" INTEGER,

    CONSTRAINT "GpuSample5m_pkey" PRIMARY KEY ("nodeId","gpuIndex","bucket")
);

-- CreateTable
CREATE TABLE "GpuSample1h" (
    "nodeId" TEXT NOT NULL,
    "gpuIndex" INTEGER NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "samples" INTEGER NOT NULL,
    "utilizationAvg" DOUBLE PRECISION NOT NULL,
    "utilizationMax" DOUBLE PRECISION NOT NULL,
    "memoryUsedAvg" DOUBLE PRECISION NOT NULL,
    "memoryUsedMax" INTEGER NOT NULL,
    "powerAvg" DOUBLE PRECISION,
    "powerMax" DOUBLE PRECISION,
    "temperatureAvg" DOUBLE PRECISION,
    "temperatureMax" DOUBLE PRECISION,
    "eccErrorsMax" INTEGER,
    "xidErrorsMax" INTEGER,

    CONSTRAINT "GpuSample1h_pkey" PRIMARY KEY ("nodeId","gpuIndex","bucket")
);

-- CreateIndex
CREATE INDEX "GpuSample_at_idx" ON "GpuSample"("at");

-- CreateIndex
CREATE INDEX "GpuSample_receivedAt_idx" ON "GpuSample"("receivedAt");

-- CreateIndex
CREATE INDEX "GpuSample5m_bucket_idx" ON "GpuSample5m"("bucket");

-- CreateIndex
CREATE INDEX "GpuSample1h_bucket_idx" ON "GpuSample1h"("bucket");

-- AddForeignKey
ALTER TABLE "GpuSample" ADD CONSTRAINT "GpuSample_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "GpuNode"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GpuSample5m" ADD CONSTRAINT "GpuSample5m_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "GpuNode"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GpuSample1h" ADD CONSTRAINT "GpuSample1h_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "GpuNode"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "TelemetryWatermark" (
    "name" TEXT NOT NULL,
    "upTo" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TelemetryWatermark_pkey" PRIMARY KEY ("name")
);

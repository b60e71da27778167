-- Fair sharing in GPU classes: units per GPU of a model (H100-equivalents, say). With any row,
-- shares and the fair order pool every model in this unit; with none, they stay DRF across models.

-- CreateTable
CREATE TABLE "GpuClassUnit" (
    "gpuModel" TEXT NOT NULL,
    "units" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GpuClassUnit_pkey" PRIMARY KEY ("gpuModel")
);

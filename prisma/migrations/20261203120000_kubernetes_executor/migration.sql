-- Kubernetes executor: API server CA bundle, namespace and Kueue LocalQueue per team, node pool; a workload's container image.

-- AlterTable
ALTER TABLE "SiteExecutor" ADD COLUMN     "caBundle" TEXT,
ADD COLUMN     "nodePoolLabel" TEXT,
ADD COLUMN     "teams" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "Workload" ADD COLUMN     "image" TEXT;

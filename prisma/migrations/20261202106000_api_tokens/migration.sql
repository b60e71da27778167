-- API tokens: kinds (personal, service account, agent), team and site binding, last use;
-- service accounts are users of kind SERVICE.

-- CreateEnum
CREATE TYPE "UserKind" AS ENUM ('HUMAN', 'SERVICE');

-- CreateEnum
CREATE TYPE "ApiTokenKind" AS ENUM ('PERSONAL', 'SERVICE', 'AGENT');

-- AlterTable
ALTER TABLE "User" ADD COLUMN "kind" "UserKind" NOT NULL DEFAULT 'HUMAN';

-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN "kind" "ApiTokenKind" NOT NULL DEFAULT 'PERSONAL',
ADD COLUMN "teamId" TEXT,
ADD COLUMN "siteId" TEXT,
ADD COLUMN "createdById" TEXT,
ADD COLUMN "lastUsedIp" TEXT;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

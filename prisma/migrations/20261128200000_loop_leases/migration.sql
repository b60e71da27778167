-- CreateTable
CREATE TABLE "LoopLease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LoopLease_pkey" PRIMARY KEY ("name")
);

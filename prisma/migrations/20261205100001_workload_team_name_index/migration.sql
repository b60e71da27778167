-- Submit looks for an active workload of the same name in the team: without this index it
-- scanned every workload the team ever had (20,000 rows at 100,000 workloads).
-- CreateIndex
CREATE INDEX "Workload_teamId_name_idx" ON "Workload"("teamId", "name");

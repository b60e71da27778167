-- The reconcile tick clears the fair-share mark of work that no longer holds GPUs on every
-- tick; among 100,000 workloads only the few that hold or held GPUs carry one, so an index on
-- it spares a scan of the whole table (77 ms at the bench estate).

-- CreateIndex
CREATE INDEX "Workload_share_idx" ON "Workload"("share");

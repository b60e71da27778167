-- The node list's default order (hostname, id) and its keyset cursor: an index range instead
-- of sorting every node per page.
CREATE INDEX "GpuNode_hostname_id_idx" ON "GpuNode"("hostname", "id");

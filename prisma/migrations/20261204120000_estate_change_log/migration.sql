-- Estate change log: every change to what the placement engine reads is recorded, with a
-- monotonically increasing version, by triggers in the changing transaction. Console
-- processes apply the changes since their version to the estate they hold in memory.

-- CreateTable
CREATE TABLE "EstateChange" (
    "version" BIGSERIAL NOT NULL,
    "entity" TEXT NOT NULL,
    "rowId" TEXT NOT NULL,
    "op" TEXT NOT NULL,
    "txid" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EstateChange_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "EstateChangeHorizon" (
    "id" INTEGER NOT NULL,
    "prunedThrough" BIGINT NOT NULL,

    CONSTRAINT "EstateChangeHorizon_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "EstateChange_txid_idx" ON "EstateChange"("txid");

-- CreateIndex
CREATE INDEX "EstateChange_createdAt_idx" ON "EstateChange"("createdAt");

-- Records the entity to read again: TG_ARGV[0] names it, TG_ARGV[1] is the column holding its
-- id (a site's price names its site, a replica its dataset). An update that moves a row from
-- one entity to another records both. "txid" is the writing transaction: a reader holding the
-- database snapshot it last read (pg_current_snapshot) asks for exactly the changes that were
-- invisible to it then, whatever order concurrent transactions took versions and committed in.
CREATE FUNCTION "estate_change_record"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_id TEXT;
  new_id TEXT;
  writer BIGINT := pg_current_xact_id()::text::bigint;
BEGIN
  IF TG_OP <> 'INSERT' THEN old_id := to_jsonb(OLD) ->> TG_ARGV[1]; END IF;
  IF TG_OP <> 'DELETE' THEN new_id := to_jsonb(NEW) ->> TG_ARGV[1]; END IF;
  IF old_id IS NOT NULL AND old_id IS DISTINCT FROM new_id THEN
    INSERT INTO "EstateChange" ("entity", "rowId", "op", "txid") VALUES (TG_ARGV[0], old_id, TG_OP, writer);
  END IF;
  IF new_id IS NOT NULL THEN
    INSERT INTO "EstateChange" ("entity", "rowId", "op", "txid") VALUES (TG_ARGV[0], new_id, TG_OP, writer);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "Site_estate_change" AFTER INSERT OR UPDATE OR DELETE ON "Site"
  FOR EACH ROW EXECUTE FUNCTION "estate_change_record"('Site', 'id');
CREATE TRIGGER "SitePrice_estate_change" AFTER INSERT OR UPDATE OR DELETE ON "SitePrice"
  FOR EACH ROW EXECUTE FUNCTION "estate_change_record"('Site', 'siteId');
CREATE TRIGGER "SiteLatency_estate_change" AFTER INSERT OR UPDATE OR DELETE ON "SiteLatency"
  FOR EACH ROW EXECUTE FUNCTION "estate_change_record"('Site', 'siteId');
CREATE TRIGGER "Dataset_estate_change" AFTER INSERT OR UPDATE OR DELETE ON "Dataset"
  FOR EACH ROW EXECUTE FUNCTION "estate_change_record"('Dataset', 'id');
CREATE TRIGGER "DatasetReplica_estate_change" AFTER INSERT OR UPDATE OR DELETE ON "DatasetReplica"
  FOR EACH ROW EXECUTE FUNCTION "estate_change_record"('Dataset', 'datasetId');
CREATE TRIGGER "Quota_estate_change" AFTER INSERT OR UPDATE OR DELETE ON "Quota"
  FOR EACH ROW EXECUTE FUNCTION "estate_change_record"('Quota', 'id');
CREATE TRIGGER "Allocation_estate_change" AFTER INSERT OR UPDATE OR DELETE ON "Allocation"
  FOR EACH ROW EXECUTE FUNCTION "estate_change_record"('Allocation', 'id');

-- Nodes heartbeat all the time: only the columns the engine reads count.
CREATE TRIGGER "GpuNode_estate_change" AFTER INSERT OR DELETE ON "GpuNode"
  FOR EACH ROW EXECUTE FUNCTION "estate_change_record"('GpuNode', 'id');
CREATE TRIGGER "GpuNode_estate_change_update" AFTER UPDATE ON "GpuNode"
  FOR EACH ROW WHEN (
    (OLD."siteId", OLD."gpuModel", OLD."gpuMemoryGib", OLD."gpuCount", OLD."gpuAllocated", OLD."fabric", OLD."status")
    IS DISTINCT FROM
    (NEW."siteId", NEW."gpuModel", NEW."gpuMemoryGib", NEW."gpuCount", NEW."gpuAllocated", NEW."fabric", NEW."status"))
  EXECUTE FUNCTION "estate_change_record"('GpuNode', 'id');

-- A workload's state changes all the time; the engine reads only what its allocations carry.
CREATE TRIGGER "Workload_estate_change_update" AFTER UPDATE ON "Workload"
  FOR EACH ROW WHEN (
    (OLD."teamId", OLD."priority", OLD."preemptible") IS DISTINCT FROM (NEW."teamId", NEW."priority", NEW."preemptible"))
  EXECUTE FUNCTION "estate_change_record"('Workload', 'id');

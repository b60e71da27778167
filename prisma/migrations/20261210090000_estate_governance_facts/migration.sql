-- The approval forecast and the HARD budget filter of every recommendation read the rules in
-- force and the teams' budgets. Recording their changes in the estate change log lets each
-- console process hold them beside its in-memory estate (packages/api/src/estate/cache.ts)
-- instead of querying them on every request. Scheduling still reads both in its transaction.

CREATE TRIGGER "Policy_estate_change" AFTER INSERT OR UPDATE OR DELETE ON "Policy"
  FOR EACH ROW EXECUTE FUNCTION "estate_change_record"('Policy', 'id');

-- Only what the budget filter and the forecast read counts (updatedAt changes on every write).
CREATE TRIGGER "Team_estate_change" AFTER INSERT OR DELETE ON "Team"
  FOR EACH ROW EXECUTE FUNCTION "estate_change_record"('Team', 'id');
CREATE TRIGGER "Team_estate_change_update" AFTER UPDATE ON "Team"
  FOR EACH ROW WHEN (
    (OLD."name", OLD."budgetMode", OLD."monthlyBudgetUsd") IS DISTINCT FROM (NEW."name", NEW."budgetMode", NEW."monthlyBudgetUsd"))
  EXECUTE FUNCTION "estate_change_record"('Team', 'id');

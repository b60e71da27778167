-- Estate change notifications: a transaction that records estate changes also notifies the
-- "estate_change" channel, once per statement (PostgreSQL folds identical notifications of one
-- transaction into one, delivered at commit, never for a rollback). Console processes LISTEN on
-- it so that they query the change log only after something was announced.
CREATE FUNCTION "estate_change_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('estate_change', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "EstateChange_notify" AFTER INSERT ON "EstateChange"
  FOR EACH STATEMENT EXECUTE FUNCTION "estate_change_notify"();

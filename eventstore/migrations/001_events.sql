-- The log. position is global and only grows; (stream_id, stream_version) orders a stream;
-- transaction_id lets readers stay below the oldest running writer (gap-safe reads).
CREATE TABLE events (
  position bigserial PRIMARY KEY,
  stream_id text NOT NULL CHECK (length(stream_id) BETWEEN 1 AND 200),
  stream_version integer NOT NULL CHECK (stream_version > 0),
  event_id uuid NOT NULL,
  type text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  CONSTRAINT events_event_id_unique UNIQUE (event_id),
  CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
);

CREATE INDEX events_transaction_position ON events (transaction_id, position);

-- Immutability is enforced by the database, not by convention: no code path can rewrite history.
CREATE FUNCTION events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only: % on events is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'record a new, compensating event instead';
END;
$$;

CREATE TRIGGER events_no_update_or_delete
  BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_refuse_change();

CREATE TRIGGER events_no_truncate
  BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();

-- Where the notification reactor stands in the log. It is not a projection's checkpoint: it
-- advances only after the provider acknowledged (or the message was dead-lettered).
CREATE TABLE notification_checkpoints (
  reactor text PRIMARY KEY,
  transaction_id xid8 NOT NULL,
  position bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Messages the provider refused for good. The reactor moves on; an operator fixes the cause
-- and replays them (`npm run notifications -- replay`), with the same idempotency key.
CREATE TABLE notification_dead_letters (
  event_id uuid PRIMARY KEY,
  position bigint NOT NULL,
  order_id text NOT NULL,
  kind text NOT NULL,
  reason text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  replay_attempts integer NOT NULL DEFAULT 0,
  replayed_at timestamptz
);

CREATE INDEX notification_dead_letters_waiting ON notification_dead_letters (position) WHERE replayed_at IS NULL;

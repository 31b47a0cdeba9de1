-- The simulated gateway's ledger, by idempotency key: a retried charge finds its first record.
-- IF NOT EXISTS: databases from before this migration already have the table.
CREATE TABLE IF NOT EXISTS gateway_charges (
  idempotency_key text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('charge', 'refund')),
  order_id text NOT NULL,
  amount bigint NOT NULL,
  currency text NOT NULL,
  reference text,
  recorded_at timestamptz NOT NULL DEFAULT now()
);

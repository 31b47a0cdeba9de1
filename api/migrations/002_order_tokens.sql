-- An order's capability: the SHA-256 of its bearer token, never the token itself.
-- Written with the order's idempotency key claim; kept after the key is pruned, so the token keeps working.
CREATE TABLE IF NOT EXISTS order_tokens (
  order_id   text PRIMARY KEY,
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The API prunes keys older than its retention by this column.
CREATE INDEX IF NOT EXISTS idempotency_keys_created_at ON idempotency_keys (created_at);

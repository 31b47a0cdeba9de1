-- Idempotency-Key → the request it first came with and the answer it got.
-- The request hash tells "same request again" (replay) from "key reused" (422);
-- the order id is derived from the key, so concurrent first requests join one saga.
CREATE TABLE IF NOT EXISTS idempotency_keys (
  key          text PRIMARY KEY,
  request_hash text NOT NULL,
  order_id     text NOT NULL,
  response     jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);

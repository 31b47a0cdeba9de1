-- Personal and secret data, encrypted per order (envelope encryption). vault_keys holds each order's
-- data key wrapped by a master key (key_id names which); erasing an order destroys its data key and
-- leaves a tombstone (erased_at), so every later read knows the data was there and is gone.
CREATE TABLE vault_keys (
  order_id    text PRIMARY KEY,
  key_id      text,
  wrapped_key bytea,
  created_at  timestamptz NOT NULL DEFAULT now(),
  erased_at   timestamptz,
  CHECK ((erased_at IS NULL) = (wrapped_key IS NOT NULL AND key_id IS NOT NULL))
);

-- One sealed value per (order, field), AES-256-GCM under the order's data key. `lookup` is a keyed
-- hash (HMAC) of the value, for exact-match search (orders of a customer) without decrypting.
CREATE TABLE vault_entries (
  order_id   text NOT NULL REFERENCES vault_keys (order_id) ON DELETE CASCADE,
  field      text NOT NULL,
  sealed     bytea NOT NULL,
  lookup     bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, field)
);

CREATE INDEX vault_entries_lookup ON vault_entries (field, lookup) WHERE lookup IS NOT NULL;
CREATE INDEX vault_entries_field_created ON vault_entries (field, created_at);

-- The simulated gateway's payments (authorize, capture, void, refund), one row per payment key, like a
-- Stripe PaymentIntent. A processing authorization settles at `settles_at_ms` as `settles_as`, unless
-- voided first: then the key refuses it. gateway_charges keeps the charges of sagas from before.
CREATE TABLE gateway_payments (
  payment_key text PRIMARY KEY,
  order_id text NOT NULL,
  amount bigint NOT NULL,
  currency text NOT NULL,
  status text NOT NULL
    CHECK (status IN ('processing', 'authorized', 'declined', 'voided', 'captured', 'refunded')),
  settles_at_ms bigint,
  settles_as text NOT NULL CHECK (settles_as IN ('authorized', 'declined')),
  voided_held bigint,
  voided_while_processing boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gateway_payments_order ON gateway_payments (order_id);

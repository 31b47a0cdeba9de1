-- Where each projection stands in the log: the (transaction id, position) of the last event
-- it applied, committed in the same transaction as its rows. A failed projection keeps its
-- last good checkpoint and records the event that broke it.
CREATE TABLE projection_checkpoints (
  name text PRIMARY KEY,
  transaction_id xid8 NOT NULL DEFAULT '0',
  position bigint NOT NULL DEFAULT 0,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'failed')),
  error text,
  failed_transaction_id xid8,
  failed_position bigint,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE order_summary (
  order_id text PRIMARY KEY,
  customer text NOT NULL,
  status text NOT NULL,
  items jsonb NOT NULL,
  total_amount bigint NOT NULL,
  currency text NOT NULL,
  refunded_amount bigint NOT NULL,
  notified boolean NOT NULL,
  reason text,
  pickup_deadline timestamptz,
  placed_at timestamptz NOT NULL,
  paid_at timestamptz,
  brewing_started_at timestamptz,
  ready_at timestamptz,
  picked_up_at timestamptz,
  completed_at timestamptz,
  rejected_at timestamptz,
  failed_at timestamptz,
  cancelled_at timestamptz,
  abandoned_at timestamptz,
  discarded_at timestamptz,
  refunded_at timestamptz,
  placed_position bigint NOT NULL,
  last_position bigint NOT NULL,
  version integer NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX order_summary_placed_idx ON order_summary (placed_position DESC);
CREATE INDEX order_summary_status_idx ON order_summary (status, placed_position DESC);
CREATE INDEX order_summary_customer_idx ON order_summary (customer, placed_position DESC);

CREATE TABLE barista_queue (
  order_id text PRIMARY KEY,
  customer text NOT NULL,
  items jsonb NOT NULL,
  stage text NOT NULL CHECK (stage IN ('awaiting_payment', 'queued', 'brewing', 'ready')),
  queued_position bigint,
  paid_at timestamptz,
  brewing_started_at timestamptz,
  ready_at timestamptz,
  pickup_deadline timestamptz
);
CREATE INDEX barista_queue_stage_idx ON barista_queue (stage, queued_position);

CREATE TABLE daily_sales (
  day date NOT NULL,
  currency text NOT NULL,
  revenue bigint NOT NULL,
  refunds bigint NOT NULL,
  placed bigint NOT NULL,
  completed bigint NOT NULL,
  rejected bigint NOT NULL,
  failed bigint NOT NULL,
  cancelled bigint NOT NULL,
  abandoned bigint NOT NULL,
  PRIMARY KEY (day, currency)
);

CREATE TABLE daily_drink_sales (
  day date NOT NULL,
  currency text NOT NULL,
  drink text NOT NULL,
  quantity bigint NOT NULL,
  PRIMARY KEY (day, currency, drink)
);

CREATE TABLE daily_sales_open_orders (
  order_id text PRIMARY KEY,
  currency text NOT NULL,
  drinks jsonb NOT NULL
);

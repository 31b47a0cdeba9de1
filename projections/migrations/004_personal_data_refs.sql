-- Read models keep references into the vault, never names (the API resolves them at read time, so an
-- erased order reads as erased everywhere at once). Rows projected before this held the name itself:
-- they now hold the reference, and the index that searched by name goes.
DROP INDEX IF EXISTS order_summary_customer_idx;
ALTER TABLE order_summary RENAME COLUMN customer TO customer_ref;
UPDATE order_summary SET customer_ref = 'vault:' || order_id || '/customer';
ALTER TABLE order_summary ADD COLUMN erased boolean NOT NULL DEFAULT false;

ALTER TABLE barista_queue RENAME COLUMN customer TO customer_ref;
UPDATE barista_queue SET customer_ref = 'vault:' || order_id || '/customer';

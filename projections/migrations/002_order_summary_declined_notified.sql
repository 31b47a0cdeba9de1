-- The order summary keeps every timestamp of the order's fold (domain/evolve.ts), so a row
-- answers the same Order as the fold itself: declined and notified were missing.
ALTER TABLE order_summary ADD COLUMN declined_at timestamptz, ADD COLUMN notified_at timestamptz;

-- Rows projected before this column existed: the last such event of the order, as the fold keeps it.
UPDATE order_summary s
SET declined_at = e.declined_at, notified_at = e.notified_at
FROM (
  SELECT substr(stream_id, 7) AS order_id,
         max((data->>'at')::timestamptz) FILTER (WHERE type = 'PaymentDeclined') AS declined_at,
         max((data->>'at')::timestamptz) FILTER (WHERE type = 'CustomerNotified') AS notified_at
  FROM events
  WHERE type IN ('PaymentDeclined', 'CustomerNotified') AND stream_id LIKE 'order-%'
  GROUP BY stream_id
) e
WHERE s.order_id = e.order_id;

-- Drinks sent back and made again (issue 16), and the machine runs (batches) that made them.
ALTER TABLE order_summary
  ADD COLUMN rejections integer NOT NULL DEFAULT 0,
  ADD COLUMN remakes integer NOT NULL DEFAULT 0,
  ADD COLUMN batch_ids jsonb NOT NULL DEFAULT '[]';

ALTER TABLE barista_queue
  ADD COLUMN remake integer NOT NULL DEFAULT 0;

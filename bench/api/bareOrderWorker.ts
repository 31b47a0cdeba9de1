// The bare update-with-start's worker, a process of its own as the orders worker is (bench:api).
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import pg from 'pg';
import { encryptedDataConverter } from '../../codec';
import { parseKeyring } from '../../keys';

const TASK_QUEUE = 'bench-api-bare-orders'; // bareUpdateWithStart.ts starts its workflows there

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query(
  'CREATE TABLE IF NOT EXISTS bench_bare_orders (position bigserial PRIMARY KEY, order_id text UNIQUE NOT NULL)',
);
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const worker = await Worker.create({
  connection,
  taskQueue: TASK_QUEUE,
  workflowsPath: fileURLToPath(new URL('./bareOrderWorkflow.ts', import.meta.url)),
  // The same codec as the saga's worker: sealing payloads is part of both sides.
  dataConverter: encryptedDataConverter(
    parseKeyring(process.env.TEMPORAL_CODEC_KEYS!, process.env.TEMPORAL_CODEC_KEY_ID),
  ),
  activities: {
    async insertOrder(orderId: string): Promise<number> {
      const { rows } = await pool.query<{ position: string }>(
        // A retried attempt gets its first position back, as the event store's append does.
        `INSERT INTO bench_bare_orders (order_id) VALUES ($1)
         ON CONFLICT (order_id) DO UPDATE SET order_id = EXCLUDED.order_id RETURNING position`,
        [orderId],
      );
      return Number(rows[0]!.position);
    },
  },
});
process.once('SIGTERM', () => worker.shutdown());
console.log('bare orders worker polling');
await worker.run();
await connection.close();
await pool.end();

import { randomUUID } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { pino } from 'pino';
import { inject } from 'vitest';
import { notifierConfig } from '../../config/notifier';
import { createEventStore } from '../../eventstore';
import {
  createHttpProvider,
  migrateNotifications,
  startNotificationReactor,
  vaultNames,
} from '../../notifications';
import { startProviderSimulator } from '../../simulators';
import { orderWorkflowId } from '../../workflows/definitions';
import { TEST_VAULT_KEYS } from '../support/secrets';
import type { ShopSystem } from './system';

/** A name and a card token no other test uses, so finding them anywhere means a leak. */
export const uniqueCustomer = () => `Quillon ${randomUUID().slice(0, 8)}`;
export const uniqueToken = () => `tok_secret_${randomUUID().replaceAll('-', '').slice(0, 24)}`;

/** The notifier beside the shop, as `npm start` runs it: names from the vault, log to a file. */
export async function startNotifierFor(shop: ShopSystem, name: string) {
  await migrateNotifications(shop.db.pool);
  const simulator = await startProviderSimulator({ port: 0 });
  const logFile = `test-output/e2e-${name}-notifier.log`;
  const sink = createWriteStream(logFile);
  const store = createEventStore(shop.db.pool);
  const reactor = startNotificationReactor({
    pool: shop.db.pool,
    store,
    provider: createHttpProvider({ baseUrl: simulator.url, timeoutMs: 2_000 }),
    policy: notifierConfig().policy,
    names: await vaultNames(shop.db.pool, TEST_VAULT_KEYS),
    log: pino({ level: 'info' }, sink),
    pollIntervalMs: 100,
  });
  return {
    simulator,
    store,
    logs: () => readFileSync(logFile, 'utf8'),
    async stop() {
      await reactor.stop();
      await store.close();
      await simulator.close();
      await new Promise<void>((resolve) => sink.end(resolve));
    },
  };
}

/** Every text and jsonb value of every table, one table per entry. */
export async function everyTable(shop: ShopSystem): Promise<Map<string, string>> {
  const { rows: tables } = await shop.db.pool.query<{ name: string }>(
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
     WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'`,
  );
  const dumps = new Map<string, string>();
  for (const { name } of tables) {
    const { rows } = await shop.db.pool.query(
      `SELECT coalesce(string_agg(t::text, E'\\n'), '') AS dump FROM ${name} t`,
    );
    dumps.set(name, rows[0].dump);
  }
  return dumps;
}

/**
 * The saga's history as Temporal stores it, read with a client that has no codec: the raw bytes
 * of every event, and the encoding of every payload outside the search attributes.
 */
export async function rawHistory(
  orderId: string,
): Promise<{ bytes: Buffer; encodings: string[]; plain: string[] }> {
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  try {
    const history = await new Client({ connection }).workflow
      .getHandle(orderWorkflowId(orderId))
      .fetchHistory();
    const bytes = Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish());
    const encodings: string[] = [];
    const plain: string[] = [];
    const walk = (node: unknown, key: string, path = ''): void => {
      if (!node || typeof node !== 'object' || ArrayBuffer.isView(node)) return;
      if (key === 'searchAttributes') return; // indexed by the server, never personal (workflows/searchAttributes.ts)
      const payload = node as { metadata?: Record<string, Uint8Array>; data?: Uint8Array };
      if (payload.metadata && 'data' in payload) {
        const encoding = Buffer.from(payload.metadata.encoding ?? []).toString();
        encodings.push(encoding);
        if (encoding !== 'binary/encrypted')
          plain.push(`${path}: ${Buffer.from(payload.data ?? []).toString()}`);
        return;
      }
      for (const [childKey, child] of Object.entries(node)) walk(child, childKey, `${path}.${childKey}`);
    };
    walk(history, '');
    return { bytes, encodings, plain };
  } finally {
    await connection.close();
  }
}

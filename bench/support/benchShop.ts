import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import pg from 'pg';
import { encryptedDataConverter } from '../../codec';
import { startEmbeddedPostgres } from '../../embedded/postgres';
import { startTemporalDevServer } from '../../embedded/temporal';
import { randomKeyring } from '../../keys';

// The bundler's chatter is not the benchmark's output.
function quiet() {}
export const silent = {
  trace: quiet,
  debug: quiet,
  info: quiet,
  warn: quiet,
  error: console.error,
  log: quiet,
};

/** A fresh embedded Postgres and Temporal dev server for one benchmark run, and their clients. */
export async function openBenchShop(name: string) {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const root = mkdtempSync(join(tmpdir(), `brew-saga-bench-${name}-`));
  const postgres = await startEmbeddedPostgres({ dataDir: join(root, 'pg'), unsafeFast: true });
  const temporal = await startTemporalDevServer();
  const pool = new pg.Pool({ connectionString: postgres.url, max: 20 });
  const nativeConnection = await NativeConnection.connect({ address: temporal.address });
  const connection = await Connection.connect({ address: temporal.address });
  // Every payload sealed, as in production: the codec's cost is part of what is measured.
  const dataConverter = encryptedDataConverter(randomKeyring(`bench-${name}`));
  const client = new Client({ connection, dataConverter });
  const close = async () => {
    await connection.close();
    await nativeConnection.close();
    await pool.end();
    await temporal.stop();
    await postgres.stop();
    rmSync(root, { recursive: true, force: true });
  };
  return { postgres, temporal, pool, nativeConnection, connection, client, dataConverter, close };
}

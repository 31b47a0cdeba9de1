// `npm run payments -- reconcile`: compares the gateway's books with the log and prints one JSON object
// (orders, gateway payments, discrepancies, strandedPayments); exits 1 on any discrepancy.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCliConfig } from '../config/cli';
import { InvalidConfig } from '../config/read';
import { migrateEventStore } from '../eventstore';
import { createPool } from '../postgres';
import { migrateGatewayLedger, reconcilePayments } from '../simulators';

const USAGE = 'usage: npm run payments -- reconcile';

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv[0] !== 'reconcile' || argv.length > 1) {
    console.error(USAGE);
    return 2;
  }
  let databaseUrl: string;
  try {
    ({ databaseUrl } = loadCliConfig(env, 'npm run payments'));
  } catch (error) {
    if (!(error instanceof InvalidConfig)) throw error;
    console.error(`payments: ${error.message}`);
    return 2;
  }
  const pool = createPool(databaseUrl, 'cli', { max: 2 });
  try {
    await migrateEventStore(pool);
    await migrateGatewayLedger(pool);
    const report = await reconcilePayments(pool);
    console.log(JSON.stringify(report, null, 2));
    return report.discrepancies.length === 0 ? 0 : 1;
  } finally {
    await pool.end();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`payments: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}

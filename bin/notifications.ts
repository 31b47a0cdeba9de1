// Operator's CLI for the notifier's dead letters.
//   npm run notifications -- dead-letters [--all]     list those waiting (--all: replayed ones too)
//   npm run notifications -- replay <eventId|--all>   re-send once, with the original idempotency key
//   npm run notifications -- simulator                run the provider simulator as its own process
//   npm run notifications -- faults '<json>'          tell a running simulator to misbehave, e.g. '{"downForMs":30000}'
// Reads DATABASE_URL and NOTIFICATION_PROVIDER_URL; unset, those of the running `npm start` (.data/running.json),
// else the simulator on NOTIFICATION_SIMULATOR_PORT (4010).
import { loadNotifierConfig } from '../config/notifier';
import { configOrExit } from '../config/read';
import { operatorEnv, requireDatabase } from '../config/runningSystem';
import { createEventStore } from '../eventstore';
import { firstKnown, namesInTheLog, vaultNames } from '../notifications/customerNames';
import { listDeadLetters, replayDeadLetters } from '../notifications/deadLetters';
import { createHttpProvider } from '../notifications/httpProvider';
import { migrateNotifications } from '../notifications/migrate';
import { createPool } from '../postgres';
import { stopOnSignal } from '../processes/stopOnSignal';
import { startProviderSimulator } from '../simulators/notificationProvider';

const USAGE = [
  'usage: notifications dead-letters [--all]',
  '       notifications replay <eventId|--all>',
  '       notifications simulator',
  `       notifications faults '<json>'   (see simulators/notificationProvider.ts)`,
].join('\n');

/** Resolves to the exit code; undefined while a long-running command keeps the process up. */
async function main(args: string[]): Promise<number | undefined> {
  const [command, target] = args;
  const known = ['dead-letters', 'replay', 'simulator', 'faults'];
  if (!command || !known.includes(command) || ((command === 'replay' || command === 'faults') && !target)) {
    console.error(USAGE);
    return 2;
  }
  // Variables first, then what the running `npm start` recorded; the database only where it is used.
  const env = operatorEnv();
  if (command === 'dead-letters' || command === 'replay')
    configOrExit('notifications', () => requireDatabase(env, 'npm run notifications'));
  const config = configOrExit('notifications', () => loadNotifierConfig(env));
  const providerUrl = config.providerUrl ?? `http://127.0.0.1:${config.simulatorPort}`;
  if (command === 'simulator') return runSimulator(config.simulatorPort);
  if (command === 'faults') {
    const response = await fetch(new URL('/faults', providerUrl), { method: 'POST', body: target });
    console.log(`${providerUrl}: ${response.status} ${await response.text()}`);
    return response.ok ? 0 : 1;
  }
  const pool = createPool(config.databaseUrl, 'cli', { max: 2 });
  try {
    await migrateNotifications(pool);
    if (command === 'dead-letters') {
      const letters = await listDeadLetters(pool, { includeReplayed: target === '--all' });
      if (letters.length === 0) console.log('no dead letters waiting');
      for (const letter of letters)
        console.log(
          [
            letter.eventId,
            `position=${letter.position}`,
            `order=${letter.orderId}`,
            `kind=${letter.kind}`,
            `event=${letter.payload.eventType}`,
            `at=${letter.createdAt.toISOString()}`,
            letter.replayedAt ? `replayed=${letter.replayedAt.toISOString()}` : 'waiting',
            `reason=${JSON.stringify(letter.reason)}`,
          ].join('  '),
        );
      return 0;
    }
    const store = createEventStore(pool);
    const provider = createHttpProvider({ baseUrl: providerUrl, timeoutMs: config.requestTimeoutMs });
    const names = firstKnown(
      config.vaultKeys ? await vaultNames(pool, config.vaultKeys) : undefined,
      namesInTheLog(store),
    );
    const results = await replayDeadLetters(
      { pool, store, provider, names },
      target === '--all' ? 'all' : target!,
    );
    await store.close();
    if (results.length === 0) console.log('no dead letters waiting');
    for (const result of results) {
      if (result.outcome === 'delivered')
        console.log(
          `${result.eventId}  delivered${result.duplicate ? ' (the provider already had it)' : ''}`,
        );
      else if (result.outcome === 'failed') console.log(`${result.eventId}  failed again: ${result.reason}`);
      else if (result.outcome === 'erased')
        console.log(`${result.eventId}  dropped: the personal data was erased`);
      else console.log(`${result.eventId}  not found among waiting dead letters`);
    }
    return results.every((result) => result.outcome === 'delivered' || result.outcome === 'erased') ? 0 : 1;
  } finally {
    await pool.end();
  }
}

/** Runs until SIGINT/SIGTERM. */
async function runSimulator(port: number): Promise<undefined> {
  const simulator = await startProviderSimulator({ port });
  console.log(
    `notification provider simulator on ${simulator.url} (GET /deliveries, GET /calls, POST /faults)`,
  );
  stopOnSignal('provider simulator', () => simulator.close());
  return undefined;
}

main(process.argv.slice(2)).then(
  (code) => code !== undefined && process.exit(code),
  (error: unknown) => {
    console.error(`notifications: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

// `npm run projections -- <command>`: operate the read models.
//   status              each projection's position, lag and state
//   rebuild <name|all>  replay the log into fresh tables and swap them in (no downtime)
//   retry <name>        clear a failed projection's error so it tries its poison event again
import { loadCliConfig } from '../config/cli';
import { configOrExit } from '../config/read';
import { migrateEventStore } from '../eventstore';
import { createPool } from '../postgres';
import {
  getProjectionStatus,
  migrateProjections,
  READ_MODELS,
  rebuildReadModels,
  resetCheckpoint,
} from '../projections';

const USAGE = 'usage: npm run projections -- status | rebuild <name|all> | retry <name>';

async function main(argv: string[]): Promise<number> {
  const [command, name] = argv;
  const known = READ_MODELS.map((model) => model.name);
  if (command !== 'status' && !(command === 'rebuild' && name === 'all') && !known.includes(name ?? '')) {
    console.error(command === 'status' || !command ? USAGE : `${USAGE}\nread models: ${known.join(', ')}`);
    return 2;
  }
  const { databaseUrl } = configOrExit('projections', () =>
    loadCliConfig(process.env, 'npm run projections'),
  );
  const pool = createPool(databaseUrl, 'cli');
  try {
    await migrateEventStore(pool);
    await migrateProjections(pool);
    if (command === 'status') {
      const rows = await getProjectionStatus(pool);
      printTable(
        rows.map((row) => ({
          projection: row.name,
          state: row.state,
          position: String(row.checkpoint.position),
          transaction: row.checkpoint.transactionId,
          lag: String(row.lag),
          'active on': row.activeOn ?? '-',
          'failed at': row.failedAt ? String(row.failedAt.position) : '-',
          error: row.error?.split('\n')[0] ?? '-',
        })),
      );
    } else if (command === 'rebuild') {
      const models = name === 'all' ? READ_MODELS : READ_MODELS.filter((model) => model.name === name);
      const result = await rebuildReadModels(pool, models);
      console.log(
        `rebuilt ${result.readModels.join(', ')} from ${result.events} events in ${result.ms} ms; ` +
          `now at position ${result.checkpoint.position}`,
      );
    } else {
      await resetCheckpoint(pool, name!);
      console.log(`${name}: error cleared; its projector retries from its checkpoint`);
    }
    return 0;
  } finally {
    await pool.end();
  }
}

function printTable(rows: Record<string, string>[]): void {
  const columns = Object.keys(rows[0] ?? {});
  const width = (column: string) => Math.max(column.length, ...rows.map((row) => row[column]!.length));
  const line = (cells: (column: string) => string) =>
    columns.map((c) => cells(c).padEnd(width(c))).join('  ');
  console.log(line((column) => column.toUpperCase()));
  for (const row of rows) console.log(line((column) => row[column]!));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`projections: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Start-ups that found the cluster crashed and replayed its WAL, as Postgres logged them. */
export function crashRecoveries(logDir: string): number {
  const file = join(logDir, 'postgres.log');
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8').match(/automatic recovery in progress/g)?.length ?? 0;
}

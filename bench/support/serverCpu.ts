import type pg from 'pg';
import { cpuOfTrees, readStat } from './processCpu';

/**
 * CPU time used so far by one Postgres instance (postmaster and all its children), in ms.
 * Unlike wall-clock throughput it does not depend on what else the machine is doing, so it
 * shows what each side really costs. Linux only; undefined elsewhere.
 */
export async function serverCpuMeter(pool: pg.Pool): Promise<(() => number) | undefined> {
  if (process.platform !== 'linux') return undefined;
  const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const postmaster = readStat(String(rows[0]!.pid))?.parent;
  if (postmaster === undefined) return undefined;
  return () => cpuOfTrees({ postgres: postmaster }).postgres!;
}

import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * CPU time used so far by one Postgres instance (postmaster and all its children), in ms.
 * Unlike wall-clock throughput it does not depend on what else the machine is doing, so it
 * shows what each side really costs. Linux only; undefined elsewhere.
 */
export async function serverCpuMeter(pool: pg.Pool): Promise<(() => number) | undefined> {
  if (process.platform !== 'linux') return undefined;
  const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const postmaster = parentOf(rows[0]!.pid);
  if (postmaster === undefined) return undefined;
  return () => {
    let ticks = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = readStat(Number(entry));
      // Exited children's time is folded into the postmaster's cutime/cstime.
      if (stat && (stat.pid === postmaster || stat.ppid === postmaster))
        ticks += stat.utime + stat.stime + (stat.pid === postmaster ? stat.cutime + stat.cstime : 0);
    }
    return (ticks * 1000) / TICKS_PER_SECOND;
  };
}

/** CPU time one process used so far (Linux /proc), in ms; 0 when it cannot be read. */
export function processCpuMs(pid: number): number {
  const stat = readStat(pid);
  return stat ? ((stat.utime + stat.stime) * 1000) / TICKS_PER_SECOND : 0;
}

function parentOf(pid: number): number | undefined {
  return readStat(pid)?.ppid;
}

function readStat(pid: number) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      pid,
      ppid: Number(fields[1]),
      utime: Number(fields[11]),
      stime: Number(fields[12]),
      cutime: Number(fields[13]),
      cstime: Number(fields[14]),
    };
  } catch {
    return undefined;
  }
}

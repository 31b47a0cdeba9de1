import { readdirSync, readFileSync } from 'node:fs';

/** CPU time per process tree from /proc (Linux): what each of our processes, Postgres and Temporal burn. */

// USER_HZ: the kernel reports utime/stime in these ticks; 100 on every Linux we run on.
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  parent: number;
  /** Its own CPU time, and that of its children that ended (Postgres backends that closed). */
  cpuMs: number;
}

export function readStat(pid: string): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after its last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    return { pid: Number(pid), parent: Number(fields[1]), cpuMs: (ticks * 1000) / TICKS_PER_SECOND };
  } catch {
    return undefined; // it ended while we looked
  }
}

const allStats = () =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(readStat)
    .filter((stat): stat is ProcStat => stat !== undefined);

/** CPU milliseconds of each named root process and all its descendants (Postgres backends, say). */
export function cpuOfTrees(roots: Record<string, number>): Record<string, number> {
  const stats = allStats();
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.parent, [...(children.get(stat.parent) ?? []), stat]);
  const byPid = new Map(stats.map((stat) => [stat.pid, stat]));
  const treeMs = (pid: number): number =>
    (byPid.get(pid)?.cpuMs ?? 0) +
    (children.get(pid) ?? []).reduce((sum, child) => sum + treeMs(child.pid), 0);
  return Object.fromEntries(Object.entries(roots).map(([name, pid]) => [name, treeMs(pid)]));
}

/** The pid of the first process whose command line contains every one of `parts`. */
export function findProcess(...parts: string[]): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const commandLine = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (parts.every((part) => commandLine.includes(part))) return Number(name);
    } catch {}
  }
  return undefined;
}

/** CPU milliseconds one process used so far (with its ended children); 0 when it cannot be read. */
export const processCpuMs = (pid: number): number => readStat(String(pid))?.cpuMs ?? 0;

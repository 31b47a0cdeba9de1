// `npm run chaos -- [--orders N] [--rate R] [--seed S] [--short]`: the whole shop as separate
// processes under kills, crashes, network faults and a steady stream of orders; prints ONE JSON object and exits
// non-zero when anything acknowledged was lost or done twice. Env: CHAOS_ORDERS, CHAOS_RATE, CHAOS_SEED.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChaosOptions, runChaos } from './harness';

/** Every kind of fault (see faults.ts), once each in the short run. */
const EACH_ONCE = {
  ordersWorker: 1,
  barista: 1,
  projector: 1,
  api: 1,
  notifier: 1,
  postgresCrash: 1,
  temporalCrash: 1,
  latency: 1,
  partition: 1,
  connectionReset: 1,
  postgresOutage: 1,
} as const;

/** Full run: 1,000 orders at 5/s, every process killed twice (the notifier's active one too), each crash and network fault once. */
const FULL: Omit<ChaosOptions, 'seed' | 'log'> = {
  orders: 1_000,
  rate: 5,
  faults: { ...EACH_ONCE, ordersWorker: 2, barista: 2, projector: 2, api: 2, notifier: 2 },
  durations: { latencyMs: 20_000, partitionMs: 30_000, resetMs: 3_000, outageMs: 60_000 },
  // Longer than the outage plus the drain of its backlog (≈ 3 min at 5/s on 2 cores): a customer
  // still being told "retry later" while the saga already made the drink must find it on the counter.
  pickupWindowSeconds: 300,
  // Past the outage, a worker restarted into it and the backlog: a good card must not be given up on.
  paymentGiveUpSeconds: 300,
  brewScale: 0.03,
  quiescenceTimeoutMs: 300_000,
};

/** Short run (the vitest version): 50 orders, one fault of each kind, shorter cuts. */
const SHORT: Omit<ChaosOptions, 'seed' | 'log'> = {
  orders: 50,
  rate: 1,
  faults: EACH_ONCE,
  durations: { latencyMs: 8_000, partitionMs: 15_000, resetMs: 2_000, outageMs: 20_000 },
  pickupWindowSeconds: 75,
  paymentGiveUpSeconds: 75,
  brewScale: 0.03,
  quiescenceTimeoutMs: 150_000,
};

export function parseChaosArgs(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => console.error(`[chaos] ${line}`),
): ChaosOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (name === 'short') flags.set(name, 'true');
    else flags.set(name, inline ?? argv[++i] ?? '');
  }
  for (const name of flags.keys())
    if (!['orders', 'rate', 'seed', 'short'].includes(name)) throw new Error(`unknown flag --${name}`);
  const number = (flag: string, envName: string, fallback: number, min: number) => {
    const raw = flags.get(flag) ?? env[envName];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isFinite(value) || value < min)
      throw new Error(`--${flag} must be a number ≥ ${min} (got ${raw})`);
    return value;
  };
  const base = flags.has('short') || env.CHAOS_SHORT === '1' ? SHORT : FULL;
  return {
    ...base,
    orders: Math.round(number('orders', 'CHAOS_ORDERS', base.orders, 1)),
    rate: number('rate', 'CHAOS_RATE', base.rate, 0.05),
    seed: Math.round(number('seed', 'CHAOS_SEED', Date.now() % 1_000_000, 0)),
    log,
  };
}

async function main(): Promise<number> {
  let options: ChaosOptions;
  try {
    options = parseChaosArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`chaos: ${error instanceof Error ? error.message : String(error)}`);
    console.error('usage: npm run chaos -- [--orders N] [--rate R] [--seed S] [--short]');
    return 2;
  }
  const report = await runChaos(options);
  console.log(JSON.stringify(report, null, 2));
  return report.ok ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    },
  );
}

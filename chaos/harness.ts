import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { checkInvariants, type Invariants } from './checks';
import { driveOrders, type OrderRecord } from './driver';
import { type FaultKind, type PerformedFault, planFaults, runFaults } from './faults';
import { ChaosHttp } from './http';
import { countRunningWorkflows, waitForQuiescence } from './quiescence';
import { seededRandom } from './random';
import { startSystem } from './system';

export interface ChaosOptions {
  orders: number;
  /** Orders per second. */
  rate: number;
  seed: number;
  /** Kills and restarts, by kind. */
  faults: Partial<Record<FaultKind, number>>;
  pickupWindowSeconds: number;
  brewScale: number;
  /** How long the system may take to settle after the load. */
  quiescenceTimeoutMs: number;
  log: (line: string) => void;
}

/** The run's figures: every loss figure must be 0. */
export interface ChaosReport extends Invariants {
  ok: boolean;
  seed: number;
  orders: number;
  acknowledged: number;
  unacknowledged: number;
  idempotencyViolations: number;
  unexpected5xx: number;
  apiDownErrors: number;
  unexplainedConnectionErrors: number;
  runningWorkflows: number | null;
  kills: Record<string, number>;
  restarts: Record<string, number>;
  unplannedExits: Record<string, number>;
  faults: Array<Pick<PerformedFault, 'kind' | 'target' | 'startedMs' | 'outageMs'> & { error?: string }>;
  http: { requests: number; byStatus: Record<string, number> };
  settings: { rate: number; pickupWindowSeconds: number; brewScale: number };
  loadMs: number;
  quiescedAfterMs: number | null;
  wallTimeMs: number;
  logDir: string;
}

/** Failures of the promise: any of these above 0 fails the run. */
export const LOSS_FIGURES = [
  'unacknowledged',
  'lost',
  'wrongOutcome',
  'duplicateEvents',
  'duplicateFacts',
  'nonContiguousStreams',
  'doubleCharges',
  'missingCharges',
  'unexpectedCharges',
  'missingRefunds',
  'unexpectedRefunds',
  'strandedPayments',
  'paymentDiscrepancies',
  'readModelMismatches',
  'readyNotificationMismatches',
  'idempotencyViolations',
  'unexpected5xx',
] as const satisfies readonly (keyof ChaosReport)[];

const root = resolve(import.meta.dirname, '..');

/** Starts the shop as separate processes, drives orders through it while killing its parts, then checks. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const runId = `${options.seed}-${randomBytes(3).toString('hex')}`;
  const logDir = join(root, 'test-output', 'chaos', runId);
  const log = options.log;
  const system = await startSystem({
    pickupWindowSeconds: options.pickupWindowSeconds,
    brewScale: options.brewScale,
    logDir,
    log,
  });
  try {
    const http = new ChaosHttp(system.apiUrl, { authorization: `Bearer ${system.staffToken}` });
    const loadMs = (options.orders * 1_000) / options.rate;
    const plan = planFaults(options.faults, loadMs, seededRandom(options.seed ^ 0x5eed));
    const loadStarted = Date.now();
    log(
      `driving ${options.orders} orders at ${options.rate}/s with ${plan.length} faults (seed ${options.seed})`,
    );
    const [driven, performed] = await Promise.all([
      driveOrders({
        http,
        orders: options.orders,
        rate: options.rate,
        random: seededRandom(options.seed),
        runId,
        staffToken: system.staffToken,
        patienceMs: 180_000,
        log,
      }),
      runFaults(plan, { system, http, startedAt: loadStarted, log }),
    ]);
    log(`load done in ${Date.now() - loadStarted} ms; waiting for the system to settle`);

    const pool = new pg.Pool({ connectionString: system.databaseUrl, max: 4 });
    pool.on('error', () => {});
    try {
      const quiescedAfterMs = await waitForQuiescence(pool, driven.records, options.quiescenceTimeoutMs);
      log(
        quiescedAfterMs === null ? 'never settled: checking anyway' : `settled after ${quiescedAfterMs} ms`,
      );
      const invariants = await checkInvariants(pool, driven.records, system.simulatorUrl);
      const runningWorkflows = await countRunningWorkflows(system.temporalAddress);
      const acknowledged = driven.records.filter((record) => record.acknowledged).length;
      const { counts } = system.supervisor;
      const report: ChaosReport = {
        ok: false,
        seed: options.seed,
        orders: options.orders,
        acknowledged,
        unacknowledged: options.orders - acknowledged,
        perPath: invariants.perPath,
        lost: invariants.lost,
        wrongOutcome: invariants.wrongOutcome,
        duplicateEvents: invariants.duplicateEvents,
        duplicateFacts: invariants.duplicateFacts,
        nonContiguousStreams: invariants.nonContiguousStreams,
        doubleCharges: invariants.doubleCharges,
        missingCharges: invariants.missingCharges,
        unexpectedCharges: invariants.unexpectedCharges,
        missingRefunds: invariants.missingRefunds,
        unexpectedRefunds: invariants.unexpectedRefunds,
        strandedPayments: invariants.strandedPayments,
        paymentDiscrepancies: invariants.paymentDiscrepancies,
        readModelMismatches: invariants.readModelMismatches,
        readyNotificationMismatches: invariants.readyNotificationMismatches,
        idempotencyViolations: driven.idempotencyViolations,
        unexpected5xx: http.tally.unexpected5xx,
        apiDownErrors: http.tally.apiDownErrors,
        unexplainedConnectionErrors: http.tally.unexplainedDown,
        runningWorkflows,
        kills: counts.kills,
        restarts: {
          ...counts.restarts,
          postgres: performed.filter((fault) => fault.kind === 'postgres' && !fault.error).length,
        },
        unplannedExits: counts.unplannedExits,
        faults: performed.map(({ kind, target, startedMs, outageMs, error }) => ({
          kind,
          target,
          startedMs,
          outageMs,
          ...(error ? { error } : {}),
        })),
        http: { requests: http.tally.requests, byStatus: http.tally.byStatus },
        deadLetters: invariants.deadLetters,
        readModelMismatchByTable: invariants.readModelMismatchByTable,
        settings: {
          rate: options.rate,
          pickupWindowSeconds: options.pickupWindowSeconds,
          brewScale: options.brewScale,
        },
        loadMs: driven.loadMs,
        quiescedAfterMs,
        wallTimeMs: 0,
        logDir,
        samples: [
          ...http.tally.unexpected5xxSamples,
          ...invariants.samples,
          ...notesOf(driven.records.filter((record) => !record.acknowledged)),
        ].slice(0, 30),
      };
      report.ok = LOSS_FIGURES.every((figure) => report[figure] === 0);
      report.wallTimeMs = Date.now() - started;
      return report;
    } finally {
      await pool.end();
    }
  } finally {
    await system.stop();
  }
}

const notesOf = (records: OrderRecord[]) =>
  records.map((record) => `not acknowledged: ${record.path} #${record.index}: ${record.notes.join('; ')}`);

import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { checkInvariants, type Invariants } from './checks';
import { driveOrders, type OrderRecord } from './driver';
import {
  FAULT_KINDS,
  type FaultDurations,
  type FaultKind,
  type PerformedFault,
  planFaults,
  runFaults,
} from './faults';
import { ChaosHttp } from './http';
import { crashRecoveries } from './postgresLog';
import { countRunningWorkflows, waitForQuiescence } from './quiescence';
import { seededRandom } from './random';
import { startSystem } from './system';

export interface ChaosOptions {
  orders: number;
  /** Orders per second. */
  rate: number;
  seed: number;
  /** Kills, crashes and network faults, by kind. */
  faults: Partial<Record<FaultKind, number>>;
  durations: FaultDurations;
  pickupWindowSeconds: number;
  paymentGiveUpSeconds: number;
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
  /** 503 + Retry-After while a fault's backlog of orders drained: expected (see http.ts). */
  retryLater: number;
  /** Most orders a fault left waiting for their 202 at once, and how long after the faults they were all placed. */
  backlog: { peak: number; drainedAfterMs: number | null };
  /** Customers who wanted to cancel while brewing but first saw READY (a lagging page): they walked `cancelTooLate`. */
  missedBrewingWindows: number;
  apiDownErrors: number;
  unexplainedConnectionErrors: number;
  runningWorkflows: number | null;
  kills: Record<string, number>;
  restarts: Record<string, number>;
  unplannedExits: Record<string, number>;
  /** Faults carried out, by kind (failed attempts not counted). */
  faults: Record<FaultKind, number>;
  faultLog: Array<
    Pick<PerformedFault, 'kind' | 'target' | 'startedMs' | 'outageMs'> & {
      takeoverMs?: number | null;
      error?: string;
    }
  >;
  /** The slowest handover of a lock (partitioned projector, killed notifier); null = one never happened. */
  leaderTakeoverMs: number | null;
  /** Requests open longer than 30 s: must be 0. */
  hungRequests: number;
  /** Postgres start-ups that replayed the WAL after a crash (from its log). */
  crashRecoveries: number;
  http: { requests: number; byStatus: Record<string, number> };
  settings: {
    rate: number;
    pickupWindowSeconds: number;
    paymentGiveUpSeconds: number;
    brewScale: number;
    durations: FaultDurations;
    fsync: string;
  };
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
  'hungRequests',
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
    paymentGiveUpSeconds: options.paymentGiveUpSeconds,
    brewScale: options.brewScale,
    logDir,
    log,
  });
  // Straight to Postgres: who holds which lock during the faults, then the checks.
  const pool = new pg.Pool({ connectionString: system.databaseUrl, max: 4 });
  pool.on('error', () => {});
  try {
    const http = new ChaosHttp(system.apiUrls, { authorization: `Bearer ${system.staffToken}` });
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
        // A customer's app retries an order it has not been told about with its key for 10 minutes.
        placePatienceMs: 600_000,
        // A loaded machine plus a minute without Postgres: sagas may take minutes; giving up early would abandon drinks.
        patienceMs: 300_000,
        log,
      }),
      runFaults(plan, {
        system,
        http,
        pool,
        durations: options.durations,
        startedAt: loadStarted,
        log,
      }),
    ]);
    log(`load done in ${Date.now() - loadStarted} ms; waiting for the system to settle`);

    {
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
        retryLater: http.tally.retryLater,
        backlog: { peak: http.tally.backlogPeak, drainedAfterMs: http.tally.backlogDrainMs },
        missedBrewingWindows: driven.records.filter((record) => record.walked === 'cancelTooLate').length,
        apiDownErrors: http.tally.apiDownErrors,
        unexplainedConnectionErrors: http.tally.unexplainedDown,
        runningWorkflows,
        kills: counts.kills,
        restarts: counts.restarts,
        unplannedExits: counts.unplannedExits,
        faults: Object.fromEntries(
          FAULT_KINDS.map((kind) => [
            kind,
            performed.filter((fault) => fault.kind === kind && !fault.error).length,
          ]),
        ) as Record<FaultKind, number>,
        faultLog: performed.map(({ kind, target, startedMs, outageMs, takeoverMs, error }) => ({
          kind,
          target,
          startedMs,
          outageMs,
          ...(takeoverMs === undefined ? {} : { takeoverMs }),
          ...(error ? { error } : {}),
        })),
        leaderTakeoverMs: slowestTakeover(performed),
        hungRequests: http.tally.hungRequests,
        crashRecoveries: crashRecoveries(logDir),
        http: { requests: http.tally.requests, byStatus: http.tally.byStatus },
        deadLetters: invariants.deadLetters,
        readModelMismatchByTable: invariants.readModelMismatchByTable,
        settings: {
          rate: options.rate,
          pickupWindowSeconds: options.pickupWindowSeconds,
          paymentGiveUpSeconds: options.paymentGiveUpSeconds,
          brewScale: options.brewScale,
          durations: options.durations,
          fsync: (await pool.query<{ fsync: string }>('SHOW fsync')).rows[0]!.fsync,
        },
        loadMs: driven.loadMs,
        quiescedAfterMs,
        wallTimeMs: 0,
        logDir,
        samples: [
          ...http.tally.hungSamples,
          ...http.tally.unexpected5xxSamples,
          ...invariants.samples,
          ...notesOf(driven.records.filter((record) => !record.acknowledged)),
        ].slice(0, 30),
      };
      report.ok =
        LOSS_FIGURES.every((figure) => report[figure] === 0) &&
        takeoversInTime(performed) &&
        FAULT_KINDS.every((kind) => report.faults[kind] >= (options.faults[kind] ?? 0));
      report.wallTimeMs = Date.now() - started;
      return report;
    }
  } finally {
    await pool.end();
    await system.stop();
  }
}

/** A standby must take over well within this (and within the partition itself). */
export const TAKEOVER_LIMIT_MS = 10_000;

const takeovers = (performed: PerformedFault[]) =>
  performed
    .filter((fault) => fault.takeoverMs !== undefined && !fault.error)
    .map((fault) => fault.takeoverMs);

function slowestTakeover(performed: PerformedFault[]): number | null {
  const all = takeovers(performed);
  if (all.length === 0 || all.includes(null)) return null;
  return Math.max(...(all as number[]));
}

const takeoversInTime = (performed: PerformedFault[]) =>
  takeovers(performed).every((ms) => ms !== null && ms !== undefined && ms < TAKEOVER_LIMIT_MS);

const notesOf = (records: OrderRecord[]) =>
  records.map((record) => `not acknowledged: ${record.path} #${record.index}: ${record.notes.join('; ')}`);

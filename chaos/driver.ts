import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type PathName, SAGA_PATHS, type SagaPath } from '../simulators/sagaPaths';
import { DEFAULT_MAX_REMAKES } from '../workflows/contract';
import type { ChaosHttp, Outcome } from './http';
import { assignPaths, orderBody } from './paths';
import type { Random } from './random';

/** One customer's order, as the driver saw it. */
export interface OrderRecord {
  index: number;
  path: PathName;
  idempotencyKey: string;
  customer: string;
  /** A 202 came back: from here on the system owes this order its outcome. */
  acknowledged: boolean;
  orderId: string | null;
  /** The bearer token the 202 carried: the customer's key to their own order. */
  orderToken: string | null;
  /** POSTs it took (the same key every time). */
  postAttempts: number;
  /**
   * The path the customer ended up walking, when not theirs: one who wanted to cancel while it
   * brewed but first saw the drink READY cancels too late and takes it (`cancelTooLate`).
   */
  walked?: PathName;
  /** Anything that went off script (a 409 where 202 was due, a status never seen, ...). */
  notes: string[];
}

export interface DriverOptions {
  http: ChaosHttp;
  orders: number;
  /** Orders per second. */
  rate: number;
  random: Random;
  runId: string;
  /** A barista's JWT: pick-ups are staff work. */
  staffToken: string;
  /** How long a customer's app keeps retrying POST /orders with its key before giving up. */
  placePatienceMs: number;
  /** How long a customer waits to see a status their script waits for, or for a command's answer. */
  patienceMs: number;
  log: (line: string) => void;
}

export interface DriverResult {
  records: OrderRecord[];
  /** The same Idempotency-Key answered with two different order ids. */
  idempotencyViolations: number;
  /** When the last order was placed (the load phase). */
  loadMs: number;
}

const bearer = (token: string | null): Record<string, string> =>
  token ? { authorization: `Bearer ${token}` } : {};

const customerOf = (index: number) => `Chaos Customer ${index}`;
const TERMINAL = new Set(['REJECTED', 'COMPLETED', 'FAILED', 'CANCELLED', 'ABANDONED']);
/** A Retry-After beyond this is not believed (the shop asks for at most 30 s). */
const MAX_RETRY_AFTER_SECONDS = 60;

/** A steady stream of orders, one journey per order, each following its path's script. */
export async function driveOrders(options: DriverOptions): Promise<DriverResult> {
  const { http, random, log } = options;
  // Paths and bodies first, so the same seed gives the same orders whatever the timing.
  const paths = assignPaths(options.orders, random.shuffle);
  const bodies = paths.map((path, index) => orderBody(path, customerOf(index), random.pick));
  const records: OrderRecord[] = [];
  const journeys: Promise<void>[] = [];
  let idempotencyViolations = 0;
  const started = Date.now();

  // A 503's Retry-After is honoured in full, plus up to half again (jitter, so a refused crowd
  // thins out); no answer at all: exponential backoff with jitter.
  const backoff = (attempt: number, outcome?: Outcome) => {
    const asked = outcome?.kind === 'answer' ? outcome.retryAfterSeconds : undefined;
    const waitMs =
      asked !== undefined
        ? Math.min(asked, MAX_RETRY_AFTER_SECONDS) * 1_000 * (1 + random.between(0, 500) / 1_000)
        : Math.min(250 * 2 ** Math.min(attempt, 4), 4_000) + random.between(0, 500);
    return sleep(waitMs);
  };

  async function place(record: OrderRecord, body: unknown): Promise<void> {
    const deadline = Date.now() + options.placePatienceMs;
    while (Date.now() < deadline) {
      record.postAttempts += 1;
      const outcome = await http.call('POST', '/orders', body, { 'idempotency-key': record.idempotencyKey });
      if (outcome.kind === 'answer' && outcome.status === 202) {
        const orderId = String(outcome.body?.orderId);
        if (record.orderId && record.orderId !== orderId) idempotencyViolations += 1;
        record.orderId = orderId;
        record.orderToken = String(outcome.body?.orderToken);
        record.acknowledged = true;
        return;
      }
      if (outcome.kind === 'answer' && outcome.status < 500) {
        record.notes.push(
          `POST /orders answered ${outcome.status}: ${JSON.stringify(outcome.body).slice(0, 200)}`,
        );
        return;
      }
      await backoff(record.postAttempts, outcome);
    }
    record.notes.push(`no 202 within ${options.placePatienceMs} ms (${record.postAttempts} tries)`);
  }

  /**
   * Polls the read model until the order shows one of `wanted` (after `remakes` remakes); null when it
   * went elsewhere for good.
   */
  async function waitFor(record: OrderRecord, wanted: string[], remakes = 0): Promise<string | null> {
    const deadline = Date.now() + options.patienceMs;
    let last = 'unknown';
    let polls = 0;
    while (Date.now() < deadline) {
      const outcome = await http.call(
        'GET',
        `/orders/${record.orderId}`,
        undefined,
        bearer(record.orderToken),
      );
      if (outcome.kind === 'answer' && outcome.status === 200) {
        last = String(outcome.body?.status);
        if (wanted.includes(last) && Number(outcome.body?.remakes ?? 0) >= remakes) return last;
        if (TERMINAL.has(last)) {
          record.notes.push(`waited for ${wanted.join('/')} but it ended ${last}`);
          return null;
        }
      }
      // Polls ease off (0.5 s up to 2 s) so hundreds of waiting customers do not load the API.
      polls += 1;
      await sleep(Math.min(500 * 1.3 ** polls, 2_000) + random.between(0, 300));
    }
    record.notes.push(`never saw ${wanted.join('/')} (last ${last})`);
    return null;
  }

  /** Sends a command until it gets an answer that is not an outage; returns its status. */
  async function command(
    record: OrderRecord,
    action: 'pickup' | 'cancel' | 'reject',
  ): Promise<number | null> {
    return (await commandAnswer(record, action))?.status ?? null;
  }

  async function commandAnswer(
    record: OrderRecord,
    action: 'pickup' | 'cancel' | 'reject',
  ): Promise<{ status: number; body: Record<string, unknown> | undefined } | null> {
    const deadline = Date.now() + options.patienceMs;
    for (let attempt = 1; Date.now() < deadline; attempt += 1) {
      const body =
        action === 'cancel'
          ? { reason: 'chaos customer changed their mind' }
          : action === 'reject'
            ? { reason: 'chaos customer wanted it hotter' }
            : undefined;
      // The customer cancels and sends back with their order's token; a barista hands the drink over.
      const token = action === 'pickup' ? options.staffToken : record.orderToken;
      const outcome = await http.call('POST', `/orders/${record.orderId}/${action}`, body, bearer(token));
      if (outcome.kind === 'answer' && outcome.status < 500)
        return { status: outcome.status, body: outcome.body ?? undefined };
      await backoff(attempt, outcome);
    }
    record.notes.push(`${action} never answered`);
    return null;
  }

  /**
   * The barista hands the drink over. A saga re-running a workflow task that a Temporal crash lost
   * (the log already READY, the saga still BREWING) is answered 503 `saga-catching-up` by the API,
   * which the retries below wait out like any other 503.
   */
  async function pickUp(record: OrderRecord): Promise<void> {
    const answer = await commandAnswer(record, 'pickup');
    if (answer?.status === 200) return;
    const current = String(answer?.body?.currentStatus ?? '');
    record.notes.push(`pickup answered ${answer?.status ?? 'nothing'} (${current || 'no status'})`);
  }

  /** The saga's own state from its status query, or undefined when it did not answer. */
  async function sagaState(record: OrderRecord) {
    const seen = await http.call(
      'GET',
      `/orders/${record.orderId}/saga`,
      undefined,
      bearer(record.orderToken),
    );
    return seen.kind === 'answer' && seen.status === 200 ? seen.body?.state : undefined;
  }

  /**
   * Sends the drink back until the order shows this rejection. A retried reject after a lost 202
   * meets the remake under way (409); a reject lost with a crashed Temporal server never happened,
   * and a customer still holding the drink sends it back again.
   */
  async function sendBack(record: OrderRecord, rejection: number): Promise<boolean> {
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const status = await command(record, 'reject');
      if (status !== 202 && status !== 409) {
        record.notes.push(`reject ${rejection} answered ${status}`);
        return false;
      }
      if (status === 202) return true;
      // The saga's own state (its status query), not the read model, which may lag behind it.
      const saga = await sagaState(record);
      const stillOnTheCounter =
        saga?.status === 'READY' && saga?.step === 'awaiting_pickup' && Number(saga?.rejections) < rejection;
      if (!stillOnTheCounter) return true;
      await sleep(1_000);
    }
    record.notes.push(`reject ${rejection} never took`);
    return false;
  }

  /** The drink is READY: a cancel is refused (409), the customer takes it. */
  async function cancelTooLate(record: OrderRecord): Promise<void> {
    const status = await command(record, 'cancel');
    if (status !== 409) record.notes.push(`cancel after READY answered ${status}`);
    await pickUp(record);
  }

  async function journey(record: OrderRecord, path: SagaPath, body: unknown): Promise<void> {
    await place(record, body);
    if (!record.acknowledged) return;
    switch (path.script) {
      case 'none':
        return;
      case 'pickUp':
        if (await waitFor(record, ['READY'])) await pickUp(record);
        return;
      case 'cancelWhileBrewing': {
        const seen = await waitFor(record, ['BREWING', 'READY']);
        if (seen === 'BREWING') {
          const status = await command(record, 'cancel');
          if (status === 202) return;
          record.notes.push(`cancel while brewing answered ${status}`);
          if (status !== 409) return;
        } else if (seen !== 'READY') return;
        // The drink was READY before the cancel (a lagging page, or a cancel just too late): take it.
        record.walked = 'cancelTooLate';
        record.notes.push('missed the brewing window');
        if (seen === 'READY') await cancelTooLate(record);
        else await pickUp(record);
        return;
      }
      case 'rejectOnce':
      case 'rejectBeyondLimit': {
        const rejections = path.script === 'rejectOnce' ? 1 : DEFAULT_MAX_REMAKES + 1;
        for (let remakes = 0; remakes < rejections; remakes += 1) {
          if (!(await waitFor(record, ['READY'], remakes))) return;
          if (!(await sendBack(record, remakes + 1))) return;
        }
        if (path.script === 'rejectOnce' && (await waitFor(record, ['READY'], 1))) await pickUp(record);
        return;
      }
      case 'cancelTooLate':
        if (await waitFor(record, ['READY'])) await cancelTooLate(record);
        return;
    }
  }

  for (const [index, path] of paths.entries()) {
    const due = started + (index * 1_000) / options.rate;
    if (due > Date.now()) await sleep(due - Date.now());
    const customer = customerOf(index);
    const record: OrderRecord = {
      index,
      path,
      idempotencyKey: `chaos-${options.runId}-${randomBytes(16).toString('hex')}`,
      customer,
      acknowledged: false,
      orderId: null,
      orderToken: null,
      postAttempts: 0,
      notes: [],
    };
    records.push(record);
    journeys.push(
      journey(record, SAGA_PATHS[path], bodies[index]).catch((error: unknown) => {
        record.notes.push(`journey crashed: ${String(error)}`);
      }),
    );
    if ((index + 1) % 50 === 0) log(`placed ${index + 1}/${options.orders} orders`);
  }
  const loadMs = Date.now() - started;
  await Promise.all(journeys);
  return { records, idempotencyViolations, loadMs };
}

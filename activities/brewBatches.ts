import { randomUUID } from 'node:crypto';
import type { BatchingCoffeeMachine, BatchRun } from './coffeeMachine';

export interface BatchingOptions {
  /** How long a batch waits for more cups of its drink and size after its first one. */
  windowMs: number;
  /** Cups one machine run makes at most. */
  maxCups: number;
  /** Machine runs at once (the barista's hands). */
  machineSlots: number;
  /** Told of each machine run as it starts (the batch-size metric). */
  onRun?: (run: BatchRun) => void;
}

/** Cups of one order line: they go into one batch together. */
export interface CupsRequest {
  orderId: string;
  drink: string;
  size: string;
  cups: number;
  /** Aborting pulls the cups out of their batch; the others carry on. */
  signal: AbortSignal;
}

interface Cups extends CupsRequest {
  made(batchId: string): void;
  failed(error: unknown): void;
}

interface Batch {
  id: string;
  key: string;
  members: Cups[];
  started: boolean;
  due: boolean;
  timer: NodeJS.Timeout | undefined;
  stop: AbortController;
}

const cupsIn = (batch: Batch) => batch.members.reduce((sum, member) => sum + member.cups, 0);

/**
 * Gathers brew requests for the same drink and size that arrive within `windowMs` (up to `maxCups`)
 * into one machine run. A batch waiting for a free machine still takes cups, so under load batches
 * fill up. Each request resolves with its batch id once its own cups are made.
 */
export function createBrewBatches(machine: BatchingCoffeeMachine, options: BatchingOptions) {
  const open = new Map<string, Batch[]>();
  const waiting: Batch[] = [];
  let running = 0;

  function batchFor(key: string, cups: number): Batch {
    const batches = open.get(key) ?? [];
    const roomy = batches.find((batch) => cupsIn(batch) + cups <= options.maxCups);
    if (roomy) return roomy;
    const batch: Batch = {
      id: `batch-${randomUUID().slice(0, 8)}`,
      key,
      members: [],
      started: false,
      due: false,
      timer: undefined,
      stop: new AbortController(),
    };
    batch.timer = setTimeout(() => due(batch), options.windowMs);
    open.set(key, [...batches, batch]);
    return batch;
  }

  function due(batch: Batch): void {
    if (batch.due) return;
    clearTimeout(batch.timer);
    batch.due = true;
    waiting.push(batch);
    startWhatFits();
  }

  function close(batch: Batch): void {
    clearTimeout(batch.timer);
    const others = (open.get(batch.key) ?? []).filter((other) => other !== batch);
    if (others.length > 0) open.set(batch.key, others);
    else open.delete(batch.key);
    const queued = waiting.indexOf(batch);
    if (queued >= 0) waiting.splice(queued, 1);
  }

  function startWhatFits(): void {
    while (running < options.machineSlots && waiting.length > 0) run(waiting.shift()!);
  }

  function run(batch: Batch): void {
    close(batch);
    batch.started = true;
    running += 1;
    const [drink, size] = batch.key.split('/') as [string, string];
    const members = [...batch.members];
    const runInfo: BatchRun = {
      batchId: batch.id,
      drink,
      size,
      cups: cupsIn(batch),
      orderIds: [...new Set(members.map((member) => member.orderId))],
    };
    options.onRun?.(runInfo);
    machine
      .brewBatch(runInfo, { signal: batch.stop.signal, progress: () => {} })
      .then(
        () => {
          for (const member of batch.members) member.made(batch.id);
        },
        (error: unknown) => {
          for (const member of batch.members) member.failed(error);
        },
      )
      .finally(() => {
        running -= 1;
        startWhatFits();
      });
  }

  /** A cancelled order's cups leave their batch; an emptied running batch stops the machine. */
  function pull(batch: Batch, cups: Cups): void {
    const index = batch.members.indexOf(cups);
    if (index < 0) return;
    batch.members.splice(index, 1);
    cups.failed(cups.signal.reason ?? new Error('cups pulled from the batch'));
    if (batch.members.length > 0) return;
    if (batch.started) batch.stop.abort();
    else close(batch);
  }

  return {
    /** Resolves with the batch id once these cups are made. */
    brew(request: CupsRequest): Promise<string> {
      return new Promise<string>((resolve, reject) => {
        request.signal.throwIfAborted();
        const batch = batchFor(`${request.drink}/${request.size}`, request.cups);
        const cups: Cups = { ...request, made: resolve, failed: reject };
        batch.members.push(cups);
        request.signal.addEventListener('abort', () => pull(batch, cups), { once: true });
        if (cupsIn(batch) >= options.maxCups) due(batch);
      });
    },
    /** Batches gathering, waiting for the machine, or running (for tests and logs). */
    stats: () => ({ open: [...open.values()].flat().length, waiting: waiting.length, running }),
  };
}

export type BrewBatches = ReturnType<typeof createBrewBatches>;

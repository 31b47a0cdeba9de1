import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BatchingCoffeeMachine,
  type BatchRun,
  MachineBrokenError,
  MachineJammedError,
} from '../activities/coffeeMachine';
import { brewSecondsOf, drinkCount, type OrderLine } from '../domain';
import { referenceFor } from './reference';

export interface CoffeeMachineConfig {
  /** Multiplies the menu's brew seconds: 1 is real time, 0.01 makes a latte in 0.6 s. */
  brewScale: number;
  /** A `jam` line fails this many brew calls per order before it clears. */
  jamFailures: number;
  /** A `slow` line takes this many times longer. */
  slowFactor: number;
  /** Longest wait between progress reports while a drink brews. */
  tickMs: number;
  /** Each cup after the first in a batch adds this share of one cup's time: 0.25 makes 4 lattes in 1.75 lattes' time. */
  batchCupFactor: number;
  /** A line's `machine` switch (jam, broken, slow) is honoured; off (SHOP_SIMULATORS=false), ignored. */
  switches: boolean;
}

export const DEFAULT_COFFEE_MACHINE: CoffeeMachineConfig = {
  brewScale: 1,
  jamFailures: 2,
  slowFactor: 4,
  tickMs: 1_000,
  batchCupFactor: 0.25,
  switches: true,
};

/** A batch the machine started, and when it finished (or stopped, every cup pulled). */
export interface MachineRun extends BatchRun {
  startedAt: number;
  endedAt: number | null;
  outcome: 'brewing' | 'made' | 'stopped';
}

/** A deterministic machine: brew time from the menu, failures from the line's `machine` switch. */
export function createCoffeeMachineSimulator(
  config: Partial<CoffeeMachineConfig> = {},
): BatchingCoffeeMachine & { brewed(): number; discarded(): Map<string, number>; runs(): MachineRun[] } {
  const settings = { ...DEFAULT_COFFEE_MACHINE, ...config };
  const brewCalls = new Map<string, number>();
  const discards = new Map<string, number>();
  let brewed = 0;
  const runs: MachineRun[] = [];

  const switchOf = (line: OrderLine) => (settings.switches ? line.machine : undefined);

  async function brewFor(ms: number, signal: AbortSignal, onTick: () => void): Promise<void> {
    let remaining = ms;
    while (remaining > 0) {
      const step = Math.min(remaining, settings.tickMs);
      await sleep(step, undefined, { signal });
      remaining -= step;
      if (remaining > 0) onTick();
    }
    signal.throwIfAborted();
  }

  async function brewOne(line: OrderLine, signal: AbortSignal, onTick: () => void): Promise<void> {
    const factor = switchOf(line) === 'slow' ? settings.slowFactor : 1;
    await brewFor(brewSecondsOf(line.drink) * 1000 * settings.brewScale * factor, signal, onTick);
  }

  return {
    brewed: () => brewed,
    discarded: () => discards,
    runs: () => runs,
    async brewBatch(batch, { signal, progress }) {
      const run: MachineRun = { ...batch, startedAt: Date.now(), endedAt: null, outcome: 'brewing' };
      runs.push(run);
      const oneCup = brewSecondsOf(batch.drink) * 1000 * settings.brewScale;
      progress(0, batch.cups);
      try {
        await brewFor(oneCup * (1 + (batch.cups - 1) * settings.batchCupFactor), signal, () =>
          progress(0, batch.cups),
        );
        brewed += batch.cups;
        run.outcome = 'made';
        progress(batch.cups, batch.cups);
      } catch (error) {
        run.outcome = 'stopped';
        throw error;
      } finally {
        run.endedAt = Date.now();
      }
    },
    async brew(request, { signal, progress }) {
      // Competing baristas each see only some tries: the attempt, not a local count, says when a jam clears.
      const call = request.attempt ?? (brewCalls.get(request.idempotencyKey) ?? 0) + 1;
      brewCalls.set(request.idempotencyKey, call);
      const of = drinkCount(request.items);
      let made = 0;
      progress(made, of);
      for (const line of request.items) {
        if (switchOf(line) === 'jam' && call <= settings.jamFailures)
          throw new MachineJammedError(`grinder jammed on ${line.drink} (try ${call})`);
        if (switchOf(line) === 'broken') throw new MachineBrokenError(`boiler failure on ${line.drink}`);
        for (let i = 0; i < line.quantity; i += 1) {
          await brewOne(line, signal, () => progress(made, of));
          made += 1;
          brewed += 1;
          progress(made, of);
        }
      }
      return { drinks: made };
    },
    async discard(request) {
      if (!discards.has(request.idempotencyKey)) discards.set(request.idempotencyKey, request.drinks);
      return {
        drinks: discards.get(request.idempotencyKey)!,
        reference: referenceFor('wo', request.idempotencyKey),
      };
    },
  };
}

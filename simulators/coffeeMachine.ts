import { setTimeout as sleep } from 'node:timers/promises';
import { type CoffeeMachine, MachineBrokenError, MachineJammedError } from '../activities/coffeeMachine';
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
  /** A line's `machine` switch (jam, broken, slow) is honoured; off (SHOP_SIMULATORS=false), ignored. */
  switches: boolean;
}

export const DEFAULT_COFFEE_MACHINE: CoffeeMachineConfig = {
  brewScale: 1,
  jamFailures: 2,
  slowFactor: 4,
  tickMs: 1_000,
  switches: true,
};

/** A deterministic machine: brew time from the menu, failures from the line's `machine` switch. */
export function createCoffeeMachineSimulator(
  config: Partial<CoffeeMachineConfig> = {},
): CoffeeMachine & { brewed(): number; discarded(): Map<string, number> } {
  const settings = { ...DEFAULT_COFFEE_MACHINE, ...config };
  const brewCalls = new Map<string, number>();
  const discards = new Map<string, number>();
  let brewed = 0;

  const switchOf = (line: OrderLine) => (settings.switches ? line.machine : undefined);

  async function brewOne(line: OrderLine, signal: AbortSignal, onTick: () => void): Promise<void> {
    const factor = switchOf(line) === 'slow' ? settings.slowFactor : 1;
    let remaining = brewSecondsOf(line.drink) * 1000 * settings.brewScale * factor;
    while (remaining > 0) {
      const step = Math.min(remaining, settings.tickMs);
      await sleep(step, undefined, { signal });
      remaining -= step;
      if (remaining > 0) onTick();
    }
    signal.throwIfAborted();
  }

  return {
    brewed: () => brewed,
    discarded: () => discards,
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

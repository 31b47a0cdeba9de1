import { ApplicationFailure, Context } from '@temporalio/activity';
import type { OrderLine, WriteOffReason } from '../domain';
import { MACHINE_FAILURES } from '../workflows/contract';
import type { BrewBatches } from './brewBatches';
import { type CoffeeMachine, MachineBrokenError, MachineJammedError } from './coffeeMachine';

export interface BrewDrinksInput {
  orderId: string;
  items: OrderLine[];
  /** `${workflowId}/brew` */
  idempotencyKey: string;
}
export interface BrewDrinksResult {
  drinks: number;
  attempt: number;
  /** The machine runs that made them (batched brewing only), in the order they finished. */
  batchIds?: string[];
}

export interface DiscardDrinksInput {
  orderId: string;
  drinks: number;
  reason: WriteOffReason;
  /** `${workflowId}/discard` */
  idempotencyKey: string;
}
export interface DiscardDrinksResult {
  drinks: number;
  attempt: number;
}

/** With `batches`, drinks are made in batches with other orders' (see brewBatches.ts); without, one by one. */
export function createBaristaActivities(machine: CoffeeMachine, batches?: BrewBatches) {
  return {
    /** Heartbeats `{ made, of }` per drink; a cancelled order stops the machine mid-drink. */
    async brewDrinks(input: BrewDrinksInput): Promise<BrewDrinksResult> {
      const context = Context.current();
      const { attempt } = context.info;
      // Lines with a simulator switch (jam, broken, slow) brew alone, so their faults stay theirs.
      if (batches && input.items.every((line) => !line.machine))
        return { ...(await brewInBatches(batches, input)), attempt };
      try {
        const receipt = await machine.brew(
          { ...input, attempt },
          {
            signal: context.cancellationSignal,
            progress: (made, of) => context.heartbeat({ made, of }),
          },
        );
        return { drinks: receipt.drinks, attempt };
      } catch (error) {
        if (context.cancellationSignal.aborted) await context.cancelled;
        if (error instanceof MachineJammedError || error instanceof MachineBrokenError)
          throw ApplicationFailure.create({
            type: error instanceof MachineJammedError ? MACHINE_FAILURES.jammed : MACHINE_FAILURES.broken,
            message: error.message,
            details: [{ attempt }],
          });
        throw error;
      }
    },

    /** A write-off: what was made for the order goes down the drain. */
    async discardDrinks(input: DiscardDrinksInput): Promise<DiscardDrinksResult> {
      const { attempt } = Context.current().info;
      const receipt = await machine.discard(input);
      return { drinks: receipt.drinks, attempt };
    },
  };
}

/**
 * Each line's cups join a batch of the same drink and size; the activity heartbeats while they wait
 * and brew, and completes when its own cups are made. A cancel pulls only this order's cups.
 */
async function brewInBatches(
  batches: BrewBatches,
  input: BrewDrinksInput,
): Promise<{ drinks: number; batchIds: string[] }> {
  const context = Context.current();
  const of = input.items.reduce((sum, line) => sum + line.quantity, 0);
  let made = 0;
  const batchIds: string[] = [];
  const beat = () => context.heartbeat({ made, of, batchIds });
  const pulled = new AbortController();
  const stop = () => pulled.abort(context.cancellationSignal.reason);
  context.cancellationSignal.addEventListener('abort', stop, { once: true });
  const ticker = setInterval(beat, 500);
  beat();
  try {
    const byLine = input.items.map(async (line) => {
      const { drink, size, quantity: cups } = line;
      const batchId = await batches.brew({
        orderId: input.orderId,
        drink,
        size,
        cups,
        signal: pulled.signal,
      });
      made += cups;
      if (!batchIds.includes(batchId)) batchIds.push(batchId);
      beat();
    });
    await Promise.all(byLine);
    return { drinks: made, batchIds };
  } catch (error) {
    pulled.abort(error); // a failed batch: the order's other cups leave theirs too
    if (context.cancellationSignal.aborted) await context.cancelled;
    throw error;
  } finally {
    clearInterval(ticker);
    context.cancellationSignal.removeEventListener('abort', stop);
  }
}

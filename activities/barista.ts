import { ApplicationFailure, Context } from '@temporalio/activity';
import type { OrderLine, WriteOffReason } from '../domain';
import { MACHINE_FAILURES } from '../workflows/contract';
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
  /** The machine runs that made them (batched brewing only), in the order's line order. */
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

export function createBaristaActivities(machine: CoffeeMachine) {
  return {
    /** Heartbeats `{ made, of }` per drink; a cancelled order stops the machine mid-drink. */
    async brewDrinks(input: BrewDrinksInput): Promise<BrewDrinksResult> {
      const context = Context.current();
      const { attempt } = context.info;
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

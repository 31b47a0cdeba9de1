import type { OrderLine } from '../domain';

/** The espresso machine behind the counter. */
export interface CoffeeMachine {
  /** Makes every drink of the order; reports progress per drink; stops when `signal` aborts. */
  brew(request: BrewRequest, control: BrewControl): Promise<BrewReceipt>;
  /** Throws away what was made for an order (a write-off). Idempotent by key. */
  discard(request: DiscardRequest): Promise<{ drinks: number; reference: string }>;
}

/** A machine that makes several cups of one drink and size in one run, faster than one by one. */
export interface BatchingCoffeeMachine extends CoffeeMachine {
  /** Makes the batch's cups; `progress(made, of)` reports liveness; stops when `signal` aborts. */
  brewBatch(batch: BatchRun, control: BrewControl): Promise<void>;
}

/** One machine run: cups of one drink and size for several orders (the name on each cup). */
export interface BatchRun {
  batchId: string;
  drink: string;
  size: string;
  cups: number;
  orderIds: string[];
}

export interface BrewRequest {
  idempotencyKey: string;
  orderId: string;
  items: OrderLine[];
  /** Which try this is (Temporal's activity attempt), whichever barista makes it; counted per process when absent. */
  attempt?: number;
}
export interface BrewControl {
  signal: AbortSignal;
  /** Called after each drink, and every tick while one is brewing (a liveness heartbeat). */
  progress(made: number, of: number): void;
}
export interface BrewReceipt {
  drinks: number;
}
export interface DiscardRequest {
  idempotencyKey: string;
  orderId: string;
  drinks: number;
  reason: string;
}

/** Jammed: clears itself after a few tries. */
export class MachineJammedError extends Error {
  override name = 'MachineJammedError';
}
/** Broken: every try fails until someone repairs the machine. */
export class MachineBrokenError extends Error {
  override name = 'MachineBrokenError';
}

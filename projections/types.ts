import type pg from 'pg';
import type { OrderEventType } from '../domain/events';
import type { LoggedEvent } from '../eventstore/types';

/**
 * A projection folds the log into tables it alone owns. `apply` gets a page of the events it
 * handles, in log order, inside the transaction that also advances its checkpoint: the rows
 * and the checkpoint commit together, so re-delivery after a crash changes nothing twice.
 */
export interface Projection {
  readonly name: string;
  readonly handles: readonly OrderEventType[];
  /** The tables it writes (already named for this instance: live or shadow). */
  readonly tables: readonly string[];
  apply(tx: pg.ClientBase, events: readonly LoggedEvent[]): Promise<void>;
}

export interface ProjectionOptions {
  /** Appended to every table name: '' for the live tables, '_rebuild' for a rebuild's shadow tables. */
  suffix?: string;
  /** Emit change notifications (the live projection does; a rebuild must not). */
  notify?: boolean;
}

/** A read model: its live tables and a factory for a projection writing to them (or to shadow copies). */
export interface ReadModel {
  readonly name: string;
  readonly tables: readonly string[];
  readonly handles: readonly OrderEventType[];
  projection(options?: ProjectionOptions): Projection;
}

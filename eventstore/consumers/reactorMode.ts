import type pg from 'pg';
import { checkpointAfter } from '../readAll';
import type { LoggedEvent } from '../types';
import type { CheckpointStore, ConsumerMode } from './types';

export interface ReactorModeOptions {
  checkpoints: CheckpointStore;
  /** Which events `react` gets; the checkpoint moves past the others too. */
  accepts(event: LoggedEvent): boolean;
  /**
   * The side effect, resolving once it is acknowledged (or parked for good). It must be
   * idempotent per event: a crash before the checkpoint means it runs again.
   */
  react(event: LoggedEvent, context: { client: pg.ClientBase; signal: AbortSignal }): Promise<void>;
}

/**
 * The checkpoint moves past an event only once its side effect is acknowledged. No transaction
 * is held open across the side effect: a slow outside system would pin the log's xmin for every
 * gap-safe reader. A throwing `react` ends the batch; the runtime resumes from the checkpoint.
 */
export function reactorMode({ checkpoints, accepts, react }: ReactorModeOptions): ConsumerMode {
  return {
    checkpoints,
    async process({ client, name, signal, events }) {
      let unsaved: LoggedEvent | undefined;
      for (const event of events) {
        signal.throwIfAborted();
        if (!accepts(event)) {
          unsaved = event;
          continue;
        }
        await react(event, { client, signal });
        await checkpoints.save(client, name, checkpointAfter(event));
        unsaved = undefined;
      }
      if (unsaved) await checkpoints.save(client, name, checkpointAfter(unsaved));
    },
  };
}

import { log, sleep } from '@temporalio/workflow';
import type { Shield } from './ticket';

interface Compensation {
  name: string;
  run: () => Promise<void>;
}

/**
 * The saga's undo stack. A step registers its compensation before anything can unwind it (the refund
 * as soon as a charge ends in anything but a decline); `runAll` unwinds last-in first-out, in a scope
 * nothing can cancel, and a compensation that fails is retried until it succeeds: never swallowed.
 */
export class Compensations {
  private readonly stack: Compensation[] = [];
  readonly ran: string[] = [];

  constructor(private readonly shielded: Shield) {}

  add(name: string, run: () => Promise<void>): void {
    this.stack.push({ name, run });
  }

  /** Past the point of no return (drinks ready): nothing is undone any more, only written off. */
  settle(): void {
    this.stack.length = 0;
  }

  pending(): string[] {
    return this.stack.map((compensation) => compensation.name).reverse();
  }

  runAll(): Promise<void> {
    return this.shielded(async () => {
      for (let compensation = this.stack.pop(); compensation; compensation = this.stack.pop()) {
        await untilItSucceeds(compensation);
        this.ran.push(compensation.name);
      }
    });
  }
}

// Activities already retry forever; this loop also outlasts a non-retryable failure (a bug being fixed).
async function untilItSucceeds({ name, run }: Compensation): Promise<void> {
  for (let round = 1; ; round += 1) {
    try {
      await run();
      return;
    } catch (error) {
      log.error('compensation failed; retrying', { compensation: name, round, error: String(error) });
      await sleep(Math.min(60_000 * round, 600_000));
    }
  }
}

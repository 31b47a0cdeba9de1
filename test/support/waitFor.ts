import { vi } from 'vitest';

export interface WaitOptions {
  /** Generous by default: the bound only catches a hang, it is not a performance claim. */
  timeoutMs?: number;
  intervalMs?: number;
  /** What is awaited, named in the timeout's message. */
  what?: string;
}

/**
 * The tests' one way to wait: runs `check` until it neither throws nor returns `false`, and
 * returns its value. A `check` may assert with `expect` (the last failure is what a timeout shows)
 * or answer a boolean.
 */
export function waitFor<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 20_000, intervalMs = 50, what = 'a condition' }: WaitOptions = {},
): Promise<Exclude<T, false>> {
  return vi.waitFor(
    async () => {
      const value = await check();
      if (value === false) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      return value as Exclude<T, false>;
    },
    { timeout: timeoutMs, interval: intervalMs },
  );
}

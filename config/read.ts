import type { z } from 'zod';

export type Env = Record<string, string | undefined>;

/** A bad environment: every problem at once, one per line, so one restart fixes them all. */
export class InvalidConfig extends Error {
  override readonly name = 'InvalidConfig';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/** Parses the environment with a process's schema; an empty variable counts as unset. */
export function readConfig<S extends z.ZodType>(schema: S, env: Env = process.env): z.output<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  throw new InvalidConfig(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
}

/** For entry points: a bad environment prints what is wrong and exits 2, without a stack trace. */
export function configOrExit<T>(processName: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof InvalidConfig)) throw error;
    console.error(`${processName}: ${error.message}`);
    process.exit(2);
  }
}

/** A process's `load…Config(env = process.env)`. */
export const configLoader =
  <S extends z.ZodType>(schema: S) =>
  (env: Env = process.env): z.output<S> =>
    readConfig(schema, env);

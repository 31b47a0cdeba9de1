import { countVaultError } from '../telemetry/shopMetrics';

// biome-ignore lint/suspicious/noExplicitAny: any async method of the vault
type Methods = Record<string, (...args: any[]) => Promise<unknown>>;

/**
 * The vault's methods, each counting its failures in brew_vault_errors_total by operation (a missing
 * key, a tampered row, Postgres down). `expected` failures are answers, not errors: an erased order.
 */
export function countFailures<T extends Methods>(methods: T, expected: (error: unknown) => boolean): T {
  const counted = {} as Methods;
  for (const [operation, method] of Object.entries(methods))
    counted[operation] = (...args) =>
      method(...args).catch((error: unknown) => {
        if (!expected(error)) countVaultError(operation);
        throw error;
      });
  return counted as T;
}

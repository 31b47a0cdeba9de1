import { defineConfig } from 'vitest/config';

const suite = (name: string, timeoutMs: number) => ({
  extends: true as const,
  test: { name, include: [`test/${name}/**/*.test.ts`], testTimeout: timeoutMs, hookTimeout: 120_000 },
});

export default defineConfig({
  test: {
    globalSetup: ['test/support/globalSetup.ts'],
    setupFiles: ['test/support/quietTemporal.ts'],
    // Two cores: two test files at a time, each with its own database and task queues.
    maxWorkers: 2,
    // The default summary for people, then one plain closing line for CI (see the reporter).
    reporters: ['default', './test/support/closingLine.ts'],
    pool: 'forks',
    projects: [
      suite('unit', 10_000),
      suite('workflows', 60_000),
      suite('integration', 120_000),
      suite('e2e', 180_000),
    ],
  },
});

import { existsSync } from 'node:fs';
import { expect, test } from 'vitest';
import { findBinary } from '../../scripts/temporalBinaries.mjs';

test('setup resolved both Temporal binaries before the suite started', () => {
  for (const kind of ['cli', 'testServer'] as const) {
    const found = findBinary(kind);
    expect(found, `${kind} binary`).toBeDefined();
    expect(existsSync(found!.path)).toBe(true);
  }
});

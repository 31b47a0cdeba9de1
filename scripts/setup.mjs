#!/usr/bin/env node
// The one set-up step behind `npm start` and `npm test`: dependencies, then Temporal's
// binaries. Idempotent and quick on a second run; says in a line or two what it did.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBinary } from './temporalBinaries.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'node_modules', '.brew-saga-lock-hash');

function ensureDependencies() {
  const lock = readFileSync(join(root, 'package-lock.json'));
  const hash = createHash('sha256').update(lock).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return 'npm dependencies up to date';
  // A fresh clone gets the exact lock (npm ci); an existing tree is updated in place, so a
  // test run elsewhere in it never sees node_modules vanish.
  const fresh = !existsSync(join(root, 'node_modules'));
  const args = fresh ? ['ci'] : ['install'];
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: root,
    stdio: 'inherit',
  });
  writeFileSync(stamp, hash);
  return `npm dependencies installed (npm ${args[0]})`;
}

try {
  const deps = ensureDependencies();
  const cli = ensureBinary('cli');
  const testServer = ensureBinary('testServer');
  console.log(`[setup] ${deps}`);
  console.log(
    `[setup] temporal CLI: ${cli.path} (${cli.source}); test server: ${testServer.path} (${testServer.source})`,
  );
} catch (error) {
  console.error(`[setup] failed: ${error.message}`);
  process.exit(1);
}

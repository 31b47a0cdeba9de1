#!/usr/bin/env node
// The one set-up step behind `npm start` and `npm test`: dependencies, then Temporal's
// binaries, and for the tests Chromium, Toxiproxy and Schemathesis. Idempotent and quick
// on a second run; says in a line per piece what it did.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBinary } from './temporalBinaries.mjs';
import { ensureTool, TOOLS } from './testTools.mjs';

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

// Only the test suite needs a browser (the order board test drives headless Chromium).
function ensureChromium() {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (existsSync(path)) return `chromium: ${path}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`Chromium not found at ${path}: install Debian's chromium package or set CHROMIUM_PATH`);
  }
  const apt = (args) => execFileSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', '--no-install-recommends', 'chromium']);
  return `chromium: installed ${path} (apt-get)`;
}

const forTests = process.argv.includes('--for-tests');
const ci = /^(1|true)$/i.test(process.env.CI ?? '');

// Toxiproxy's server and Schemathesis's `st`: only the tests need them. They install side
// by side (go build and pip each take tens of seconds cold); outside CI a failure is a
// warning, as the suites that need them say so themselves; under CI=true it fails setup.
async function ensureTestTools() {
  const kinds = ['toxiproxy', 'schemathesis'];
  const results = await Promise.allSettled(kinds.map((kind) => ensureTool(kind)));
  const failures = [];
  results.forEach((result, i) => {
    const { label } = TOOLS[kinds[i]];
    if (result.status === 'fulfilled') {
      const { path, source, version } = result.value;
      console.log(`[setup] ${label}: ${path} (${source}; ${version})`);
    } else failures.push(`${label}: ${result.reason.message}`);
  });
  if (failures.length === 0) return;
  if (ci) throw new Error(failures.join('; '));
  for (const failure of failures) console.warn(`[setup] warning: ${failure} (fatal under CI=true)`);
}

try {
  const deps = ensureDependencies();
  const cli = ensureBinary('cli');
  const testServer = ensureBinary('testServer');
  const browser = forTests ? `; ${ensureChromium()}` : '';
  console.log(`[setup] ${deps}${browser}`);
  console.log(
    `[setup] temporal CLI: ${cli.path} (${cli.source}); test server: ${testServer.path} (${testServer.source})`,
  );
  if (forTests) await ensureTestTools();
} catch (error) {
  console.error(`[setup] failed: ${error.message}`);
  process.exit(1);
}

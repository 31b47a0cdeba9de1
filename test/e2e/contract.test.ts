import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { schemathesisBinary } from '../../scripts/testTools.mjs';
import { placeOrder } from './http';
import { type ShopSystem, startShop } from './system';

// The API against its own OpenAPI document: Schemathesis generates requests from /openapi.json
// (valid and invalid, every method, stateful sequences following Location links) and checks every
// answer against what the document says: status, content type, headers, body and SSE event schemas.

const execFileAsync = promisify(execFile);
const SETTINGS = 'test/e2e/schemathesis';
const REPORTS = 'test-output/schemathesis';

let shop: ShopSystem;
beforeAll(async () => {
  shop = await startShop('contract');
});
afterAll(() => shop?.stop());

/**
 * Runs `st run` against the shop; resolves to its exit code and output. The whole output goes to
 * `test-output/schemathesis/<name>.txt`, and one line of it to the test log: Schemathesis closes
 * with pytest's ruler (`=== 1 warning in 94.80s ===`), which CI would read as a pytest run that
 * executed no test, so the ruler never reaches our own output.
 */
async function schemathesis(
  name: string,
  options: { config: string; token: string; args?: string[]; env?: Record<string, string> },
) {
  mkdirSync(REPORTS, { recursive: true });
  const args = [
    '--config-file',
    `${SETTINGS}/${options.config}`,
    'run',
    `${shop.url}/openapi.json`,
    '--checks',
    'all',
    '--header',
    `Authorization: Bearer ${options.token}`,
    // Reproducible: deterministic generation (no seed: the same cases every run), few enough per
    // operation to finish in minutes on a loaded machine.
    '--generation-deterministic',
    '--max-examples',
    '10',
    // One worker: Python 3.11's `ast` is not thread-safe (CPython gh-106905), and Hypothesis parses
    // lambdas while generating, so two workers failed a run with "AST constructor recursion depth mismatch".
    '--workers',
    '1',
    '--no-color',
    '--report',
    'junit',
    '--report-junit-path',
    `${REPORTS}/${name}.xml`,
    ...(options.args ?? []),
  ];
  const outcome = await execFileAsync(schemathesisBinary(), args, {
    env: { ...process.env, SCHEMATHESIS_HOOKS: 'hooks', PYTHONPATH: resolve(SETTINGS), ...options.env },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 900_000,
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: error.code ?? -1,
      stdout: `${error.stdout ?? ''}${error.stderr ?? ''}`,
    }),
  );
  const transcript = `${REPORTS}/${name}.txt`;
  writeFileSync(transcript, outcome.stdout);
  // Only the count of cases: a line with "N passed" in it is what CI looks for at a run's close.
  const generated = /(\d+) generated/.exec(outcome.stdout)?.[1] ?? 'no';
  console.log(
    `Schemathesis, ${name}: exit ${outcome.code}, ${generated} test cases generated; whole output in ${transcript}`,
  );
  return outcome;
}

test('Schemathesis finds nothing against /openapi.json with a manager’s token', async () => {
  const { code, stdout } = await schemathesis('manager', {
    config: 'schemathesis.toml',
    token: shop.tokens.manager,
  });
  expect(code, stdout).toBe(0);
}, 960_000);

test('Schemathesis finds nothing on the routes of one order with that order’s token', async () => {
  const placed = await placeOrder(shop.url);
  expect(placed.status).toBe(202);
  const { code, stdout } = await schemathesis('order-token', {
    config: 'orderToken.toml',
    token: placed.body.orderToken,
    env: { CONTRACT_ORDER_ID: placed.body.orderId },
    args: [
      '--include-path-regex',
      '^/orders/\\{id\\}',
      // Pickup is the barista's: an order token is rightly 403 there (the manager run covers it).
      '--exclude-path-regex',
      '/pickup$',
    ],
  });
  expect(code, stdout).toBe(0);
}, 960_000);

import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import pino from 'pino';
import { expect, test } from 'vitest';
import { relayChildOutput } from '../../../processes/relay';
import { quietBundlerLogger, sdkLogger } from '../../../workers/temporalLogging';

/** Runs lines through the relay as `npm start` does and returns what it printed. */
async function relayed(lines: string[], format: 'json' | 'pretty'): Promise<string[]> {
  const child = new PassThrough();
  const out = new PassThrough();
  let printed = '';
  out.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
  });
  relayChildOutput('barista', child, 'error', format, out);
  child.end(lines.join('\n'));
  await once(child, 'end');
  await new Promise((resolve) => setImmediate(resolve));
  return printed.split('\n').filter(Boolean);
}

test("a child's records pass through as they are; a stray line becomes a record under the child's name", async () => {
  const record = '{"level":30,"time":"2026-01-01T00:00:00.000Z","process":"barista","msg":"barista polling"}';
  const [first, second] = await relayed([record, 'Error: boom'], 'json');
  expect(first).toBe(record);
  expect(JSON.parse(second!)).toMatchObject({ level: 50, process: 'barista', msg: 'Error: boom' });
});

test('pretty: one line per record, the process before the message, its fields after', async () => {
  const record = '{"level":40,"time":1767225600000,"process":"worker","msg":"slow","taskQueue":"orders"}';
  const [line] = await relayed([record], 'pretty');
  expect(stripVTControlCharacters(line!)).toMatch(
    /^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: worker │ slow \{"taskQueue":"orders"\}$/,
  );
});

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

test("the Temporal SDK's log calls land in pino with their metadata as fields", () => {
  const { logger, lines } = capture();
  const sdk = sdkLogger(logger);
  sdk.warn('Worker state changed', { sdkComponent: 'worker', taskQueue: 'orders' });
  sdk.log('ERROR', 'activity failed', { activityType: 'brew' });
  sdk.debug('below the level');
  expect(lines).toMatchObject([
    { level: 40, msg: 'Worker state changed', sdkComponent: 'worker', taskQueue: 'orders' },
    { level: 50, msg: 'activity failed', activityType: 'brew' },
  ]);
});

test("the bundler's webpack report is debug level: not printed at info", () => {
  const { logger, lines } = capture();
  const bundler = quietBundlerLogger(logger);
  bundler.info('asset workflow-bundle-1234.js 1.2 MiB');
  bundler.error('Webpack finished with errors');
  expect(lines).toMatchObject([{ level: 50, msg: 'Webpack finished with errors', component: 'bundler' }]);
});

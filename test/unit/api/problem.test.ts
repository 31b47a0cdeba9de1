import { expect, test } from 'vitest';
import { toProblem } from '../../../api/problem';

const withCode = (code: string) => Object.assign(new Error(`failed with ${code}`), { code });

test.each([
  ['a refused connection', withCode('ECONNREFUSED')],
  ['a broken pipe', withCode('EPIPE')],
  ['Postgres shutting down', withCode('57P01')],
  ['Postgres crash-restarting', withCode('57P02')],
  ['Postgres starting up', withCode('57P03')],
  ['a connection exception', withCode('08006')],
  ['pg losing its connection', new Error('Connection terminated unexpectedly')],
  ['pg timing out on connect', new Error('timeout exceeded when trying to connect')],
  ['a statement cancelled at statement_timeout', withCode('57014')],
])('%s is a 503 dependency-unavailable, not a 500', (_, error) => {
  expect(toProblem(error)).toMatchObject({
    type: 'urn:brew-saga:problem:dependency-unavailable',
    status: 503,
  });
});

test('an error nobody foresaw is a 500', () => {
  expect(toProblem(new Error('boom')).status).toBe(500);
  expect(toProblem(withCode('23505')).status).toBe(500);
});

import { describe, expect, test } from 'vitest';
import { isConnectionError, transientKind } from '../../../postgres';

const pgError = (code: string, message = `error ${code}`) => Object.assign(new Error(message), { code });

describe('telling passing trouble from a bad statement', () => {
  test.each([
    ['53100', 'disk full', 'resources'],
    ['53200', 'out of memory', 'resources'],
    ['53000', 'insufficient resources', 'resources'],
    ['53300', 'too many connections', 'connection'],
    ['57014', 'query cancelled (statement_timeout)', 'cancelled'],
    ['25006', 'read-only transaction', 'read-only'],
    ['57P01', 'admin shutdown', 'connection'],
    ['57P02', 'crash shutdown', 'connection'],
    ['57P03', 'cannot connect now', 'connection'],
    ['57P05', 'idle session timeout', 'connection'],
    ['08006', 'connection failure', 'connection'],
    ['08001', 'unable to connect', 'connection'],
    ['40001', 'serialization failure', 'contention'],
    ['40P01', 'deadlock detected', 'contention'],
    ['55P03', 'lock not available', 'contention'],
    ['58030', 'I/O error', 'resources'],
    ['ECONNREFUSED', 'connection refused', 'connection'],
    ['ECONNRESET', 'connection reset', 'connection'],
    ['ETIMEDOUT', 'timed out', 'connection'],
  ])('%s (%s) is transient: %s', (code, _what, kind) => {
    expect(transientKind(pgError(code))).toBe(kind);
  });

  test.each([
    ['22P02', 'invalid input syntax'],
    ['23505', 'unique violation'],
    ['23502', 'not null violation'],
    ['42P01', 'undefined table'],
    ['42703', 'undefined column'],
    ['P0001', 'raise exception in a trigger'],
    ['XX000', 'internal error'],
  ])('%s (%s) is the statement’s own fault', (code) => {
    expect(transientKind(pgError(code))).toBeUndefined();
  });

  test('pg’s code-less words for a lost connection or a timeout are transient', () => {
    for (const message of [
      'Connection terminated unexpectedly',
      'Client has encountered a connection error and is not queryable',
      'timeout exceeded when trying to connect',
      'Query read timeout',
    ])
      expect(isConnectionError(new Error(message))).toBe(true);
  });

  test('a handler’s own bug is not transient', () => {
    expect(transientKind(new TypeError("Cannot read properties of undefined (reading 'amount')"))).toBe(
      undefined,
    );
    expect(transientKind(undefined)).toBeUndefined();
    expect(transientKind('a string')).toBeUndefined();
  });
});

import { ServiceError } from '@temporalio/client';
import { expect, test } from 'vitest';
import { isUnavailable, unlessUnavailable } from '../../../api/adapters/temporalErrors';
import { DependencyUnavailable } from '../../../api/errors';

const grpc = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code });

test('Temporal unreachable or out of time is a 503 (DependencyUnavailable); other errors pass through', async () => {
  const deadline = new ServiceError('Failed to describe workflow', {
    cause: grpc(4, 'DEADLINE_EXCEEDED: Deadline exceeded after 4.4s'),
  });
  const unreachable = new ServiceError('Failed to start workflow', { cause: grpc(14, 'UNAVAILABLE') });
  expect(isUnavailable(deadline)).toBe(true);
  expect(isUnavailable(unreachable)).toBe(true);
  expect(isUnavailable(grpc(3, 'INVALID_ARGUMENT: bad request'))).toBe(false);
  await expect(unlessUnavailable(() => Promise.reject(deadline))).rejects.toBeInstanceOf(
    DependencyUnavailable,
  );
  const other = new Error('a bug');
  await expect(unlessUnavailable(() => Promise.reject(other))).rejects.toBe(other);
});

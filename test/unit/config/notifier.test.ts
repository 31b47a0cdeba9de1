import { expect, test } from 'vitest';
import { loadNotifierConfig } from '../../../config/notifier';
import { InvalidConfig } from '../../../config/read';

test('defaults need only nothing, and breaker knobs come from the environment', () => {
  const config = loadNotifierConfig({
    NOTIFIER_BREAKER_THRESHOLD: '7',
    NOTIFIER_BREAKER_HALF_OPEN_MS: '1500',
  });
  expect(config.providerUrl).toBeUndefined();
  expect(config.policy).toMatchObject({ breakerThreshold: 7, halfOpenAfterMs: 1500, retryMaxAttempts: 3 });
  expect(config.crashAfterSend).toBeUndefined();
});

test('a bad value stops start-up with every problem listed', () => {
  const load = () =>
    loadNotifierConfig({
      NOTIFIER_BREAKER_THRESHOLD: '0',
      NOTIFICATION_PROVIDER_URL: 'not a url',
      NOTIFIER_CRASH_AFTER_SEND: 'x',
    });
  expect(load).toThrow(InvalidConfig);
  for (const name of ['NOTIFIER_BREAKER_THRESHOLD', 'NOTIFICATION_PROVIDER_URL', 'NOTIFIER_CRASH_AFTER_SEND'])
    expect(load).toThrow(name);
});

test('the retry backoff cannot start above its own ceiling', () => {
  expect(() =>
    loadNotifierConfig({ NOTIFIER_RETRY_INITIAL_MS: '5000', NOTIFIER_RETRY_MAX_MS: '100' }),
  ).toThrow(/NOTIFIER_RETRY_INITIAL_MS/);
});

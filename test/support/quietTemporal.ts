import { DefaultLogger, Runtime } from '@temporalio/worker';

// Workers log every state change at INFO; tests only need warnings and errors.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this process
}

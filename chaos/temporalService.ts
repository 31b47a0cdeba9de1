import { canConnect, temporalBinary } from '../embedded/temporal';
import { registeredSearchAttributes } from '../workflows/searchAttributes';
import type { ServiceDefinition } from './supervisor';

/** The Temporal dev server as a supervised process, its database on disk: a SIGKILL keeps every saga. */
export function temporalService(port: number, uiPort: number, dbFile: string): ServiceDefinition {
  return {
    name: 'temporal',
    command: temporalBinary('cli'),
    args: [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--ui-port',
      String(uiPort),
      '--log-level',
      'warn',
      '--namespace',
      'default',
      '--db-filename',
      dbFile,
      ...registeredSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${key.type}`]),
    ],
    env: process.env,
    ready: { probe: () => canConnect(port) },
  };
}

import { canConnect, devServerArgs, temporalBinary } from '../embedded/temporal';
import type { ServiceDefinition } from './supervisor';

/** The Temporal dev server as a supervised process, its database on disk: a SIGKILL keeps every saga. */
export function temporalService(port: number, uiPort: number, dbFile: string): ServiceDefinition {
  return {
    name: 'temporal',
    command: temporalBinary('cli'),
    args: devServerArgs(port, uiPort, { dbFile }),
    env: process.env,
    ready: { probe: () => canConnect(port) },
  };
}

import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';

// The baseline: a workflow that does nothing but schedule the saga's number and kinds of activities.
export type BareStep = 'remote' | 'local' | 'barista';

export async function bareWorkflow(steps: BareStep[], baristaQueue: string): Promise<number> {
  const remote = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '10s' });
  const local = proxyLocalActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '10s' });
  const barista = proxyActivities<{ noop(): Promise<void> }>({
    startToCloseTimeout: '10s',
    taskQueue: baristaQueue,
  });
  for (const step of steps) await (step === 'local' ? local : step === 'barista' ? barista : remote).noop();
  return steps.length;
}

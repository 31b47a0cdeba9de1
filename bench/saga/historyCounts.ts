import type { Client } from '@temporalio/client';
import type { BareStep } from '../sagaBareWorkflow';

/** What one workflow run cost Temporal: workflow tasks, activity tasks, local activities, history events. */
export interface HistoryCounts {
  workflowTasks: number;
  activityTasks: number;
  localActivities: number;
  historyEvents: number;
}

type HistoryEvent = NonNullable<
  Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']
>[number];

const events = async (client: Client, workflowId: string): Promise<HistoryEvent[]> =>
  (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];

// Local activities leave a marker (named "core_local_activity"); patches and others leave theirs.
const isLocalActivity = (event: HistoryEvent) =>
  event.markerRecordedEventAttributes?.markerName === 'core_local_activity';

/** Per run, averaged over the given workflows. */
export async function historyCounts(client: Client, workflowIds: string[]): Promise<HistoryCounts> {
  const total = { workflowTasks: 0, activityTasks: 0, localActivities: 0, historyEvents: 0 };
  for (const id of workflowIds)
    for (const event of await events(client, id)) {
      total.historyEvents += 1;
      if (event.workflowTaskCompletedEventAttributes) total.workflowTasks += 1;
      if (event.activityTaskScheduledEventAttributes) total.activityTasks += 1;
      if (isLocalActivity(event)) total.localActivities += 1;
    }
  const per = (n: number) => Number((n / Math.max(1, workflowIds.length)).toFixed(2));
  return {
    workflowTasks: per(total.workflowTasks),
    activityTasks: per(total.activityTasks),
    localActivities: per(total.localActivities),
    historyEvents: per(total.historyEvents),
  };
}

/**
 * The saga's activity mix, in order, read off one finished saga's history: a local activity where it
 * ran one, a regular one where it scheduled one (on the barista queue or its own). The bare baseline runs exactly this.
 */
export async function activityMix(
  client: Client,
  workflowId: string,
  baristaQueue: string,
): Promise<BareStep[]> {
  const steps: BareStep[] = [];
  for (const event of await events(client, workflowId)) {
    if (isLocalActivity(event)) steps.push('local');
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) steps.push(scheduled.taskQueue?.name === baristaQueue ? 'barista' : 'remote');
  }
  return steps;
}

import { condition, defineUpdate, proxyLocalActivities, setHandler } from '@temporalio/workflow';

// The floor of placing an order: update-with-start answered once one local-activity INSERT committed.
export const bareTakenUpdate = defineUpdate<number>('bareTaken');

export async function bareOrder(orderId: string): Promise<number> {
  let position: number | undefined;
  setHandler(bareTakenUpdate, async () => {
    await condition(() => position !== undefined);
    return position!;
  });
  const { insertOrder } = proxyLocalActivities<{ insertOrder(orderId: string): Promise<number> }>({
    startToCloseTimeout: '10s',
  });
  position = await insertOrder(orderId);
  return position;
}

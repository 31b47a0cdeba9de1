import { proxyActivities, sleep } from '@temporalio/workflow';

const { greet } = proxyActivities<{ greet(name: string): Promise<string> }>({ startToCloseTimeout: '10s' });

export async function greetCustomer(name: string): Promise<string> {
  return greet(name);
}

export async function sleepOneDay(): Promise<string> {
  await sleep('1 day');
  return 'woke up';
}

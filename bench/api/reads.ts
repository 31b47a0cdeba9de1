import express from 'express';
import { processCpuMs } from '../support/processCpu';
import { type CannonResult, cannon, combine, median, roundRatios, summary } from './cannon';
import { type ApiStack, readyOrder } from './stacks';

/**
 * GET /orders/:id, authenticated, on the untraced and the traced API against a bare Express app
 * answering the very same object, in interleaved rounds (bare, untraced, traced, again and again),
 * so load drifting during the run weighs on all three alike. Also meters each API's CPU per request.
 */
export async function measureReads(stacks: { off: ApiStack; on: ApiStack }, options: ReadOptions) {
  const offOrder = await readyOrder(stacks.off);
  const onOrder = await readyOrder(stacks.on);
  const bare = express();
  bare.get('/orders/:id', (_req, res) => {
    res.json(offOrder.order);
  });
  const bareServer = bare.listen(0, '127.0.0.1');
  await new Promise((resolve) => bareServer.once('listening', resolve));
  try {
    const barePort = (bareServer.address() as { port: number }).port;
    const targets = {
      bare: [...offOrder.withToken, `http://127.0.0.1:${barePort}/orders/x`],
      off: [...offOrder.withToken, offOrder.orderUrl],
      on: [...onOrder.withToken, onOrder.orderUrl],
    };
    const measured = await readRounds(stacks, targets, options);
    return { ...measured, responseBytes: Buffer.byteLength(JSON.stringify(offOrder.order)) };
  } finally {
    await new Promise((resolve) => bareServer.close(resolve));
  }
}

interface ReadOptions {
  seconds: number;
  rounds: number;
  connections: number;
}

async function readRounds(
  stacks: { off: ApiStack; on: ApiStack },
  targets: Record<'bare' | 'off' | 'on', string[]>,
  { seconds, rounds: roundCount, connections }: ReadOptions,
) {
  const args = ['-c', String(connections), '-d', String(seconds / roundCount)];
  for (const target of Object.values(targets))
    await cannon(['-c', String(connections), '-d', '2', ...target]); // warm-up
  // The API process's CPU per request: unlike throughput on a busy machine, it shows what tracing costs.
  const cpu = { off: { ms: 0, requests: 0 }, on: { ms: 0, requests: 0 } };
  const metered = async (side: 'off' | 'on') => {
    const before = processCpuMs(stacks[side].pid);
    const result = await cannon([...args, ...targets[side]]);
    cpu[side].ms += processCpuMs(stacks[side].pid) - before;
    cpu[side].requests += result.requests.total;
    return result;
  };
  const rounds = { bare: [] as CannonResult[], off: [] as CannonResult[], on: [] as CannonResult[] };
  for (let round = 0; round < roundCount; round += 1) {
    rounds.bare.push(await cannon([...args, ...targets.bare]));
    rounds.off.push(await metered('off'));
    rounds.on.push(await metered('on'));
  }
  const readSide = (results: CannonResult[]) => {
    const ratios = roundRatios(results, rounds.bare);
    return { api: summary(combine(results)), ratioToBareExpress: median(ratios), roundRatios: ratios };
  };
  const cpuPerRequestUs = (side: { ms: number; requests: number }) =>
    Number(((side.ms * 1000) / Math.max(1, side.requests)).toFixed(1));
  const cpuUs = { off: cpuPerRequestUs(cpu.off), on: cpuPerRequestUs(cpu.on) };
  return {
    getOrder: {
      bareExpress: summary(combine(rounds.bare)),
      tracingOff: readSide(rounds.off),
      tracingOn: readSide(rounds.on),
    },
    tracingCost: {
      getOrderApiCpuPerRequestUs: cpuUs,
      /** The throughput a CPU-bound API keeps with tracing on: untraced CPU per request over traced. */
      getOrderCpuBoundThroughputOnToOff: Number((cpuUs.off / Math.max(0.1, cpuUs.on)).toFixed(3)),
      // Per round, traced over untraced throughput (each measured right after the other): the median.
      getOrderThroughputOnToOff: median(roundRatios(rounds.on, rounds.off)),
    },
  };
}

import { fixedRate, type RateRun, rateSummary } from './fixedRate';

export const PLACEMENT_BARS = { ratioP50ToBareUpdateWithStart: 1.3, ratioP99ToBareUpdateWithStart: 2.0 };

/**
 * `POST /orders` against the bare update-with-start at the same fixed rate, in alternating rounds
 * (the bare side first), so load drifting on a shared machine weighs on both alike.
 */
export async function comparePlacement(options: {
  postOrder: () => Promise<boolean>;
  bareUpdateWithStart: () => Promise<boolean>;
  rate: number;
  seconds: number;
  rounds: number;
}) {
  const { rate, seconds, rounds } = options;
  const each = seconds / rounds;
  await fixedRate(options.bareUpdateWithStart, rate, 2); // warm-up of both sides
  await fixedRate(options.postOrder, rate, 2);
  const bare: RateRun[] = [];
  const api: RateRun[] = [];
  for (let round = 0; round < rounds; round += 1) {
    bare.push(await fixedRate(options.bareUpdateWithStart, rate, each));
    api.push(await fixedRate(options.postOrder, rate, each));
  }
  const postOrders = rateSummary(api, seconds);
  const bareUpdateWithStart = rateSummary(bare, seconds);
  const ratio = (a: number, b: number) => Number((a / Math.max(1, b)).toFixed(2));
  const ratioP50ToBareUpdateWithStart = ratio(postOrders.p50Ms, bareUpdateWithStart.p50Ms);
  const ratioP99ToBareUpdateWithStart = ratio(postOrders.p99Ms, bareUpdateWithStart.p99Ms);
  return {
    postOrders: {
      ...postOrders,
      bareUpdateWithStart,
      rounds,
      ratioP50ToBareUpdateWithStart,
      ratioP99ToBareUpdateWithStart,
    },
    pass:
      postOrders.errors === 0 &&
      bareUpdateWithStart.errors === 0 &&
      ratioP50ToBareUpdateWithStart <= PLACEMENT_BARS.ratioP50ToBareUpdateWithStart &&
      ratioP99ToBareUpdateWithStart <= PLACEMENT_BARS.ratioP99ToBareUpdateWithStart,
  };
}

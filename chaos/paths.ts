import { PATH_NAMES, type PathName, SAGA_PATHS, type SagaPath } from '../simulators/sagaPaths';

const QUICK_DRINKS = ['espresso', 'americano', 'latte', 'cappuccino', 'flat_white', 'mocha'];
const SIZES = ['small', 'medium', 'large'];

/** The POST /orders body for one order of a path; drink, size and quantity vary with `pick`. */
export function orderBody(path: PathName, customer: string, pick: <T>(items: readonly T[]) => T) {
  const { token, line } = SAGA_PATHS[path] as SagaPath;
  return {
    customer,
    items: [
      {
        drink: line.drink ?? pick(QUICK_DRINKS),
        size: pick(SIZES),
        quantity: line.drink ? 1 : pick([1, 1, 2]),
        ...(line.machine ? { machine: line.machine } : {}),
      },
    ],
    payment: { token },
  };
}

/** Paths for `count` orders: every path equally often (±1), in a seeded random order. */
export function assignPaths(count: number, shuffle: <T>(items: readonly T[]) => T[]): PathName[] {
  const paths: PathName[] = [];
  while (paths.length < count) paths.push(...shuffle(PATH_NAMES));
  return paths.slice(0, count);
}

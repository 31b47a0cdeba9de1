import { type Money, money } from './money';

/** The shop's menu: prices in integer cents, brew time per drink (before any simulator scaling). */
export const DRINKS = ['espresso', 'americano', 'latte', 'cappuccino', 'flat_white', 'mocha', 'tea'] as const;
export type Drink = (typeof DRINKS)[number];

export const SIZES = ['small', 'medium', 'large'] as const;
export type Size = (typeof SIZES)[number];

export const MENU_CURRENCY = 'USD';

export interface MenuItem {
  drink: Drink;
  name: string;
  /** Price of one drink per size, in cents. */
  prices: Record<Size, number>;
  /** How long the machine takes for one drink, in seconds. */
  brewSeconds: number;
}

export const MENU: readonly MenuItem[] = [
  { drink: 'espresso', name: 'Espresso', prices: { small: 250, medium: 300, large: 350 }, brewSeconds: 25 },
  { drink: 'americano', name: 'Americano', prices: { small: 300, medium: 350, large: 400 }, brewSeconds: 35 },
  { drink: 'latte', name: 'Latte', prices: { small: 400, medium: 450, large: 500 }, brewSeconds: 60 },
  {
    drink: 'cappuccino',
    name: 'Cappuccino',
    prices: { small: 400, medium: 450, large: 500 },
    brewSeconds: 55,
  },
  {
    drink: 'flat_white',
    name: 'Flat white',
    prices: { small: 420, medium: 470, large: 520 },
    brewSeconds: 50,
  },
  { drink: 'mocha', name: 'Mocha', prices: { small: 450, medium: 500, large: 550 }, brewSeconds: 70 },
  { drink: 'tea', name: 'Tea', prices: { small: 250, medium: 280, large: 310 }, brewSeconds: 180 },
];

const byDrink = new Map<string, MenuItem>(MENU.map((item) => [item.drink, item]));

export function menuItem(drink: Drink): MenuItem {
  const item = byDrink.get(drink);
  if (!item) throw new Error(`not on the menu: ${drink}`);
  return item;
}

export const unitPrice = (drink: Drink, size: Size): Money =>
  money(menuItem(drink).prices[size], MENU_CURRENCY);

/** Unknown drinks (from an old event, say) brew like a latte rather than crash a worker. */
export const brewSecondsOf = (drink: string): number => byDrink.get(drink)?.brewSeconds ?? 60;

/** Coffee machine switches an order line may carry, so every failure path is reachable from the API. */
export const MACHINE_MODES = ['normal', 'jam', 'broken', 'slow'] as const;
export type MachineMode = (typeof MACHINE_MODES)[number];

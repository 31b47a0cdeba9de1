import { MENU, MENU_CURRENCY, SIZES } from '../domain/menu';
import { money } from '../domain/money';
import type { MenuView } from './ports';

/** The domain's menu as GET /menu shows it: the only prices an order is charged. */
export function menuView(): MenuView {
  return {
    currency: MENU_CURRENCY,
    drinks: MENU.map((item) => ({
      drink: item.drink,
      name: item.name,
      sizes: SIZES.map((size) => ({ size, price: money(item.prices[size], MENU_CURRENCY) })),
    })),
  };
}

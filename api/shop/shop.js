// The customer page: the menu, a cart, placing the order once, then following it (tracking.js).
import {
  drinkName,
  money,
  newIdempotencyKey,
  problemText,
  send,
  sizeName,
  trackingFromFragment,
  trackingLink,
} from './common.js';
import { followOrder, stopFollowing } from './tracking.js';

const LIMITS = { maxLines: 20, maxQuantity: 10 };
const $ = (id) => document.getElementById(id);
const lineKey = (drink, size) => `${drink}:${size}`;

const prices = new Map(); // lineKey → Money, from GET /menu
const cart = new Map(); // lineKey → { drink, size, quantity }, in the order added
let currency = 'USD';
/** One cart submission: its Idempotency-Key and body live from the first click until an answer. */
let submission = null;
let sending = false;

function button(text, label, onClick, className) {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = text;
  element.setAttribute('aria-label', label);
  if (className) element.className = className;
  element.addEventListener('click', onClick);
  return element;
}

function renderMenu(menu) {
  currency = menu.currency;
  const list = $('drinks');
  list.replaceChildren();
  for (const item of menu.drinks) {
    const name = item.name ?? drinkName(item.drink);
    const row = document.createElement('li');
    const title = document.createElement('h3');
    title.textContent = name;
    const sizes = document.createElement('div');
    sizes.className = 'sizes';
    for (const { size, price } of item.sizes) {
      prices.set(lineKey(item.drink, size), price);
      const add = button('', `Add a ${size} ${name}, ${money(price)}`, () => changeLine(item.drink, size, 1));
      add.dataset.drink = item.drink;
      add.dataset.size = size;
      const sizeLabel = document.createElement('span');
      sizeLabel.textContent = sizeName(size);
      const priceLabel = document.createElement('strong');
      priceLabel.textContent = money(price);
      add.append(sizeLabel, priceLabel);
      sizes.append(add);
    }
    row.append(title, sizes);
    list.append(row);
  }
  $('menu-status').hidden = true;
}

function changeLine(drink, size, by) {
  const key = lineKey(drink, size);
  const line = cart.get(key) ?? { drink, size, quantity: 0 };
  if (!cart.has(key) && cart.size >= LIMITS.maxLines)
    return say(`At most ${LIMITS.maxLines} lines per order.`);
  line.quantity = Math.min(LIMITS.maxQuantity, line.quantity + by);
  if (line.quantity <= 0) cart.delete(key);
  else cart.set(key, line);
  submission = null;
  say('');
  renderCart();
}

function renderCart() {
  const lines = $('cart-lines');
  lines.replaceChildren();
  let total = 0;
  for (const { drink, size, quantity } of cart.values()) {
    const price = prices.get(lineKey(drink, size));
    total += price.amount * quantity;
    const what = `${sizeName(size)} ${drinkName(drink)}`;
    const row = document.createElement('li');
    row.dataset.drink = drink;
    row.dataset.size = size;
    const name = document.createElement('span');
    name.className = 'what';
    name.textContent = what;
    const count = document.createElement('span');
    count.className = 'quantity';
    count.textContent = String(quantity);
    const amount = document.createElement('span');
    amount.className = 'amount';
    amount.textContent = money({ amount: price.amount * quantity, currency: price.currency });
    const stepper = document.createElement('span');
    stepper.className = 'stepper';
    stepper.append(
      button('−', `One less ${what}`, () => changeLine(drink, size, -1)),
      count,
      button('+', `One more ${what}`, () => changeLine(drink, size, 1)),
    );
    const remove = button('✕', `Remove ${what}`, () => changeLine(drink, size, -quantity), 'remove');
    row.append(name, stepper, amount, remove);
    lines.append(row);
  }
  $('cart-empty').hidden = cart.size > 0;
  $('cart-total').textContent = cart.size > 0 ? money({ amount: total, currency }) : '—';
}

function say(text) {
  $('checkout-problem').textContent = text;
}

function orderBody(customer) {
  // Without simulators there is no card form yet: a real gateway's widget would supply this token.
  const token = document.querySelector('input[name="card"]:checked')?.value ?? 'tok_visa_4242';
  return {
    customer,
    items: [...cart.values()].map(({ drink, size, quantity }) => ({ drink, size, quantity })),
    payment: { token },
  };
}

async function placeOrder(event) {
  event.preventDefault();
  if (sending) return;
  const customer = $('customer').value.trim();
  if (cart.size === 0) return say('Add a drink first.');
  if (!customer) {
    $('customer').focus();
    return say('Tell us your name, so the barista can call it.');
  }
  submission ??= { key: newIdempotencyKey(), body: orderBody(customer) };
  const place = $('place-order');
  sending = true;
  place.disabled = true;
  place.textContent = 'Placing…';
  say('');
  const answer = await send('POST', '/orders', {
    body: submission.body,
    headers: { 'idempotency-key': submission.key },
  });
  sending = false;
  place.disabled = false;
  place.textContent = 'Place order';
  if (answer.status === 0 || answer.status >= 500) {
    // The order may exist: trying again sends the same key, so it is still one order.
    return say(`${problemText(answer, 'The shop did not answer')} Try again: it stays one order.`);
  }
  submission = null;
  if (answer.status !== 202 && answer.status !== 200) return say(problemText(answer, 'Not accepted'));
  cart.clear();
  renderCart();
  location.hash = trackingLink(answer.body.orderId, answer.body.orderToken).slice(2);
}

/** The fragment decides the view: `#order=<id>&token=<token>` tracks, anything else orders. */
function route() {
  const tracked = trackingFromFragment(location.hash);
  $('ordering').hidden = Boolean(tracked);
  $('tracking').hidden = !tracked;
  if (tracked) followOrder(tracked.orderId, tracked.token);
  else stopFollowing();
}

async function start() {
  $('checkout').addEventListener('submit', placeOrder);
  $('customer').addEventListener('input', () => {
    submission = null;
  });
  for (const card of document.querySelectorAll('input[name="card"]')) {
    card.addEventListener('change', () => {
      submission = null;
    });
  }
  $('new-order').addEventListener('click', () => {
    history.pushState(null, '', '/');
    route();
    $('menu-title').scrollIntoView();
  });
  window.addEventListener('hashchange', route);
  route();

  const [menu, config] = await Promise.all([send('GET', '/menu'), send('GET', '/shop/config')]);
  if (menu.status !== 200) {
    $('menu-status').textContent = problemText(menu, 'The menu could not be loaded');
    return;
  }
  renderMenu(menu.body);
  renderCart();
  $('cards').hidden = !(config.status === 200 && config.body.simulators);
}

start();

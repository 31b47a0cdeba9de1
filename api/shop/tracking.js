// Following one order live over its Server-Sent Events stream, with cancel and reject & remake.
import { drinkName, money, problemText, send, sizeName, trackingLink } from './common.js';

const STEPS = ['PLACED', 'PAID', 'BREWING', 'READY', 'PICKED_UP'];
const CANCELLABLE = new Set(['PLACED', 'PAID', 'BREWING']);
const FINAL = new Set(['COMPLETED', 'REJECTED', 'FAILED', 'CANCELLED', 'ABANDONED']);
const SAYS = {
  PLACED: 'Order placed: taking payment…',
  PAID: 'Paid: waiting for the barista.',
  BREWING: 'Your drinks are being made.',
  READY: 'Ready! Pick it up at the counter.',
  PICKED_UP: 'Picked up. Enjoy!',
  COMPLETED: 'Picked up. Enjoy!',
  REJECTED: 'Payment not accepted: nothing was charged.',
  FAILED: 'Sorry, we could not make this order.',
  CANCELLED: 'Cancelled.',
  ABANDONED: 'Not picked up in time.',
};
const $ = (id) => document.getElementById(id);

/** The order being followed: its id, credential, stream, and what was shown last. */
let current = null;

export function followOrder(orderId, token) {
  if (current && current.orderId === orderId && current.token === token) return;
  stopFollowing();
  current = { orderId, token, position: 0, reached: -1 };
  $('track-id').textContent = `#${orderId.slice(0, 8)}`;
  $('track-link').href = trackingLink(orderId, token);
  $('tracking').dataset.status = '';
  $('track-status').textContent = 'Connecting…';
  $('track-items').replaceChildren();
  $('track-total').textContent = '—';
  for (const id of ['track-countdown', 'track-reason', 'cancel-order', 'reject-form']) $(id).hidden = true;
  tell('');
  paintSteps(null);
  connect(current);
}

export function stopFollowing() {
  if (!current) return;
  current.stream?.close();
  clearTimeout(current.retry);
  clearInterval(current.countdown);
  current = null;
}

function connect(following) {
  const query = following.token ? `?access_token=${encodeURIComponent(following.token)}` : '';
  const stream = new EventSource(`/orders/${encodeURIComponent(following.orderId)}/stream${query}`);
  following.stream = stream;
  stream.addEventListener('change', (message) => {
    if (current === following) show(JSON.parse(message.data));
  });
  // EventSource retries dropped connections itself; it gives up (CLOSED) on an error answer.
  stream.addEventListener('error', () => {
    if (current === following && stream.readyState === EventSource.CLOSED) explainRefusal(following);
  });
}

async function explainRefusal(following) {
  const answer = await send('GET', `/orders/${encodeURIComponent(following.orderId)}`, {
    token: following.token,
  });
  if (current !== following) return;
  if (answer.status === 404) return say('No such order: check the link.');
  if (answer.status === 401 || answer.status === 403) return say('This link does not open that order.');
  say('Lost touch with the shop: reconnecting…');
  following.retry = setTimeout(() => connect(following), 3_000);
}

function show(change) {
  if (change.position <= current.position) return;
  current.position = change.position;
  const status = change.status;
  const order = change.order;
  current.status = status;
  $('tracking').dataset.status = status;
  say(SAYS[status] ?? status);
  paintSteps(status);
  if (order) paintOrder(order);
  paintCountdown(status === 'READY' ? order?.pickupDeadline : null);
  const reason = $('track-reason');
  const why = reasonOf(status, order);
  reason.textContent = why;
  reason.hidden = !why;
  $('cancel-order').hidden = !CANCELLABLE.has(status);
  $('reject-form').hidden = status !== 'READY';
  if (FINAL.has(status)) current.stream.close();
}

function say(text) {
  $('track-status').textContent = text;
}

function tell(text) {
  $('track-problem').textContent = text;
}

function reasonOf(status, order) {
  const parts = [];
  if (['REJECTED', 'FAILED', 'CANCELLED'].includes(status) && order?.reason)
    parts.push(`Reason: ${order.reason}.`);
  if (order?.refund?.amount) parts.push(`Refunded ${money(order.refund.amount)}.`);
  return parts.join(' ');
}

function paintSteps(status) {
  const at = status === 'COMPLETED' ? STEPS.length - 1 : STEPS.indexOf(status);
  if (at > current.reached) current.reached = at;
  const stopped = status !== null && at < 0;
  $('track-steps').classList.toggle('stopped', stopped);
  for (const [index, step] of $('track-steps').querySelectorAll('li').entries()) {
    const state = index < current.reached ? 'done' : index === current.reached ? 'current' : 'todo';
    step.dataset.state = state;
    if (state === 'current' && !stopped) step.setAttribute('aria-current', 'step');
    else step.removeAttribute('aria-current');
  }
}

function paintOrder(order) {
  const items = $('track-items');
  items.replaceChildren();
  for (const line of order.items) {
    const row = document.createElement('li');
    const what = document.createElement('span');
    what.className = 'what';
    what.textContent = `${line.quantity} × ${sizeName(line.size)} ${drinkName(line.drink)}`;
    const amount = document.createElement('span');
    amount.className = 'amount';
    amount.textContent = money({
      amount: line.unitPrice.amount * line.quantity,
      currency: line.unitPrice.currency,
    });
    row.append(what, amount);
    items.append(row);
  }
  $('track-total').textContent = money(order.total);
}

function paintCountdown(deadline) {
  const countdown = $('track-countdown');
  clearInterval(current.countdown);
  countdown.hidden = !deadline;
  if (!deadline) return;
  const due = Date.parse(deadline);
  const tick = () => {
    const left = Math.max(0, Math.round((due - Date.now()) / 1000));
    const clock = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
    countdown.textContent = left > 0 ? `Please pick it up within ${clock}.` : 'The pickup time is up.';
  };
  tick();
  current.countdown = setInterval(tick, 1_000);
}

async function cancelOrder() {
  const following = current;
  tell('');
  const answer = await send('POST', `/orders/${encodeURIComponent(following.orderId)}/cancel`, {
    body: {},
    token: following.token,
  });
  if (current !== following) return;
  if (answer.status === 409) return tell('Too late to cancel: your order is already past that point.');
  if (answer.status !== 202 && answer.status !== 200) return tell(problemText(answer, 'Could not cancel'));
  // The stream may have shown the cancellation before this answer came.
  if (CANCELLABLE.has(following.status)) say('Cancelling…');
  $('cancel-order').hidden = true;
}

async function rejectOrder(event) {
  event.preventDefault();
  const following = current;
  const reason = $('reject-reason').value.trim();
  if (!reason) {
    $('reject-reason').focus();
    return tell('Tell us what is wrong with it.');
  }
  const answer = await send('POST', `/orders/${encodeURIComponent(following.orderId)}/reject`, {
    body: { reason },
    token: following.token,
  });
  if (current !== following) return;
  if (answer.status === 409) return tell('Too late to reject this order.');
  if (answer.status >= 300) return tell(problemText(answer, 'Could not reject'));
  $('reject-form').hidden = true;
  tell('Sorry about that: we are on it.');
}

$('cancel-order').addEventListener('click', cancelOrder);
$('reject-form').addEventListener('submit', rejectOrder);

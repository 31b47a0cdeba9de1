// The order board: open orders of any day and today's finished ones in columns by status, moved live
// by /orders/stream (SSE). The server decides what "today" is (the shop's time zone).
// Staff sign in with a bearer token (barista or manager); it lives in this tab's sessionStorage only.
const TOKEN_KEY = 'brew-saga:staff-token';
const COLUMN_OF = {
  PLACED: 'PLACED',
  PAID: 'PAID',
  BREWING: 'BREWING',
  READY: 'READY',
  PICKED_UP: 'DONE',
  COMPLETED: 'DONE',
  REJECTED: 'STOPPED',
  FAILED: 'STOPPED',
  CANCELLED: 'STOPPED',
  ABANDONED: 'STOPPED',
};
const CANCELLABLE = new Set(['PLACED', 'PAID', 'BREWING']);
const orders = new Map();
const localDay = () => new Date().toDateString();
let shownDay = localDay();

const money = ({ amount, currency }) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount / 100);

function showProblem(text) {
  const toast = document.getElementById('toast');
  toast.textContent = text;
  toast.style.display = 'block';
  clearTimeout(showProblem.timer);
  showProblem.timer = setTimeout(() => {
    toast.style.display = 'none';
  }, 4000);
}

async function command(orderId, action, body) {
  const headers = { authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}` };
  const response = await fetch(`/orders/${encodeURIComponent(orderId)}/${action}`, {
    method: 'POST',
    headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (response.status === 401) return signOut('Your token was refused: sign in again.');
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    showProblem(problem.detail || problem.title || `${action} failed (${response.status})`);
  }
}

function card(order) {
  const article = document.createElement('article');
  article.id = `order-${order.orderId}`;
  article.dataset.status = order.status;
  const who = document.createElement('div');
  who.className = 'who';
  // An erased order keeps its place on the board under its number, without a name.
  const number = order.orderId.replaceAll('-', '').slice(0, 8).toUpperCase();
  who.textContent = order.customer ?? `#${number}${order.erased ? ' (erased)' : ''}`;
  const what = document.createElement('div');
  what.className = 'what';
  what.textContent = order.items
    .map((line) => `${line.quantity}× ${line.size} ${line.drink.replace('_', ' ')}`)
    .join(', ');
  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.textContent = `${money(order.total)} · #${order.orderId.slice(0, 8)}`;
  const status = document.createElement('div');
  status.className = 'status';
  status.textContent = order.status;
  if (order.remakes > 0) {
    // Sent back and made again: the source's "we remake it to your liking".
    const badge = document.createElement('span');
    badge.className = 'badge remake';
    badge.textContent = `remake ${order.remakes}`;
    status.append(' ', badge);
  }
  article.append(who, what, meta, status);
  if (order.batchIds?.length > 0) {
    // The name on the cup: which machine run made this order's drinks.
    const batch = document.createElement('div');
    batch.className = 'meta batch';
    batch.textContent = `made in ${order.batchIds.join(', ')}`;
    article.append(batch);
  }
  if (order.status === 'READY') {
    const pickup = document.createElement('button');
    pickup.textContent = 'Picked up';
    pickup.dataset.action = 'pickup';
    pickup.addEventListener('click', () => command(order.orderId, 'pickup'));
    const reject = document.createElement('button');
    reject.textContent = 'Remake';
    reject.dataset.action = 'reject';
    reject.addEventListener('click', () => {
      const reason = prompt('Why does the drink go back?', 'not as ordered');
      if (reason) command(order.orderId, 'reject', { reason, by: 'barista' });
    });
    article.append(pickup, reject);
  }
  if (CANCELLABLE.has(order.status)) {
    const cancel = document.createElement('button');
    cancel.textContent = 'Cancel';
    cancel.dataset.action = 'cancel';
    cancel.addEventListener('click', () => command(order.orderId, 'cancel'));
    article.append(cancel);
  }
  return article;
}

function render(order) {
  const known = orders.get(order.orderId);
  if (known && known.position >= order.position) return;
  orders.set(order.orderId, order);
  document.getElementById(`order-${order.orderId}`)?.remove();
  const column = document.querySelector(`section[data-column="${COLUMN_OF[order.status] || 'STOPPED'}"]`);
  const heading = column.querySelector('h2');
  heading.after(card(order));
  updateCounts();
}

function updateCounts() {
  for (const section of document.querySelectorAll('section')) {
    section.querySelector('.count').textContent = `(${section.querySelectorAll('article').length})`;
  }
}

const connection = document.getElementById('connection');
const signInForm = document.getElementById('sign-in');
const signOutButton = document.getElementById('sign-out');
let stream;

/** An EventSource cannot tell a refused token from a network error: ask a plain request. */
async function tokenAccepted(token) {
  const response = await fetch('/barista/queue', { headers: { authorization: `Bearer ${token}` } });
  return response.ok;
}

function signOut(problem) {
  stream?.close();
  sessionStorage.removeItem(TOKEN_KEY);
  connection.textContent = 'signed out';
  signInForm.hidden = false;
  signOutButton.hidden = true;
  if (problem) showProblem(problem);
}

async function connect() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return signOut();
  connection.textContent = 'connecting…';
  if (!(await tokenAccepted(token))) return signOut('That token is not a barista or manager token.');
  signInForm.hidden = true;
  signOutButton.hidden = false;
  stream?.close();
  stream = new EventSource(`/orders/stream?access_token=${encodeURIComponent(token)}`);
  stream.addEventListener('open', () => {
    connection.textContent = 'live';
  });
  stream.addEventListener('error', async () => {
    connection.textContent = 'reconnecting…';
    // An expired token makes the browser retry forever: stop and ask for a new one.
    if (!(await tokenAccepted(token).catch(() => true))) signOut('Your token has expired: sign in again.');
  });
  stream.addEventListener('order', (message) => render(JSON.parse(message.data)));
}

signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('staff-token');
  sessionStorage.setItem(TOKEN_KEY, input.value.trim());
  input.value = '';
  void connect();
});
signOutButton.addEventListener('click', () => signOut());
// A new day: yesterday's finished orders leave; the server sends the board afresh (open ones stay).
setInterval(() => {
  if (localDay() === shownDay || !sessionStorage.getItem(TOKEN_KEY)) return;
  shownDay = localDay();
  orders.clear();
  for (const article of document.querySelectorAll('#board article')) article.remove();
  updateCounts();
  void connect();
}, 60_000);
void connect();

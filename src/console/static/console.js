import { read, signOut } from './api.js';
import { h, replace } from './dom.js';
import { renderSignIn } from './sign-in-view.js';
import { renderQueueList } from './queues-view.js';
import { renderQueuePage } from './queue-view.js';

// Hash routes (#/ and #/queues/<name>) so the server serves one page. Each view returns a refresh
// function; one timer calls it every 1.5 s so counts stay within the 2 s the console promises.
const REFRESH_MS = 1500;
const main = document.getElementById('main');
let current = { refresh: async () => {} };
let refreshing = false;

async function route() {
  const match = /^#\/queues\/(.+)$/.exec(location.hash);
  const view = match ? renderQueuePage(decodeURIComponent(match[1])) : renderQueueList();
  replace(main, view.element);
  current = view;
  document.title = match ? `${decodeURIComponent(match[1])} · Wharf console` : 'Queues · Wharf console';
  await view.refresh().catch(failed);
}

// Under --auth sigv4 the first read answers 401 until the user signs in; the sign-in form replaces the view.
function failed(error) {
  if (error.code !== 'NotSignedIn') return showUpdated(`Refresh failed: ${error.message}`);
  const view = renderSignIn(() => void route().then(showSession));
  replace(main, view.element);
  current = { refresh: async () => {} };
  document.title = 'Sign in · Wharf console';
  view.focus();
}

const showUpdated = (text) => (document.getElementById('updated').textContent = text);

async function tick() {
  if (refreshing) return;
  refreshing = true;
  try {
    await current.refresh();
    showUpdated(`Updated ${new Date().toLocaleTimeString()}`);
  } catch (error) {
    failed(error);
  } finally {
    refreshing = false;
  }
}

// Focus moves to the new view for keyboard and screen-reader users; the page starts at the top.
window.addEventListener('hashchange', () =>
  void route().then(() => {
    main.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }));
// Under --auth sigv4, who is signed in and a way out; without it /console/api/session does not exist.
async function showSession() {
  const caller = await read('session').catch(() => null);
  const slot = document.getElementById('session');
  if (!caller?.accessKeyId) return replace(slot);
  const out = h('button', { type: 'button', onClick: () => void signOut().then(() => location.reload()) }, 'Sign out');
  replace(slot, `${caller.accessKeyId} (${caller.accountId}) `, out);
}

setInterval(() => void tick(), REFRESH_MS);
void route();
void showSession();

// "Forgot password?" and the Inbox: the server's outbox (README "The outbox"), shown to a viewer who may read it (an
// admin, or anyone when the server runs with --allow-reset), so forgot → inbox → reset → login works by clicking.
// The messages are data (an email, a name, anyone may register): their text goes in as text, and only their
// http(s) links become links.
/* global byId, element, requestHeaders, requestUrl, send, sendJson, session */
/* exported refreshInbox, startInbox */

const OUTBOX_PATH = '/__outbox';
// The mail is written just after the 202: the list is read again a few times, until it shows, for about 2 s.
const POLL = { every: 400, times: 5 };

const inbox = { newestId: null, openId: null, reads: 0, testServer: null };

/**
 * A read of the outbox. Not shown in the response panel: the page reads it by itself (on start, on every sign-in,
 * after a forgot request), and would push the answer one waits for out of view.
 */
async function readOutbox(path, withToken) {
  const response = await fetch(requestUrl(path), { headers: requestHeaders(false, withToken), credentials: 'same-origin' });
  return { status: response.status, body: response.ok ? await response.json() : null };
}

/** Whether anyone may read the outbox (--allow-reset): asked once, without a token, as the server's flags stay put. */
function isTestServer() {
  inbox.testServer ??= readOutbox(OUTBOX_PATH, false).then(
    ({ status }) => status === 200,
    () => false,
  );
  return inbox.testServer;
}

/**
 * How the viewer reads the outbox: without a token on a test server, else with an admin's token; null when not at
 * all. Another role's token is not sent: the answer is a 403 whatever it holds (src/auth/authenticate.ts requireAdmin).
 */
async function outboxAccess() {
  if (await isTestServer()) return { withToken: false };
  const { claims } = session;
  const admin = claims !== null && (claims.role === 'admin' || (Array.isArray(claims.roles) && claims.roles.includes('admin')));
  return admin ? { withToken: true } : null;
}

/** The outbox's answer for this viewer, a 403 of our own when they may not read it. */
async function askOutbox(path) {
  const access = await outboxAccess();
  return access ? readOutbox(path, access.withToken) : { status: 403, body: null };
}

/** Reads the list again: the panel shows it on a 200, and hides (and forgets) it on anything else, a 401 or a 403. */
async function refreshInbox() {
  const read = ++inbox.reads;
  const result = await askOutbox(OUTBOX_PATH).catch(() => ({ status: 0, body: null }));
  if (read !== inbox.reads) return; // a newer read (another token) answers instead
  const allowed = result.status === 200;
  byId('inbox').hidden = !allowed;
  renderMessageList(allowed ? result.body.messages : []);
}

const shownDate = (date) => (Number.isNaN(Date.parse(date)) ? date : new Date(date).toLocaleString());

function renderMessageList(messages) {
  inbox.newestId = messages[0]?.id ?? null;
  const rows = messages.map(({ id, to, subject, date }) =>
    element(
      'tr',
      {},
      element('td', {}, to),
      element(
        'td',
        {},
        element(
          'button',
          { type: 'button', className: 'link', title: 'Open the message', onclick: showingFailure('inbox-error', () => openMessage(id)) },
          subject,
        ),
      ),
      element('td', { className: 'muted' }, shownDate(date)),
    ),
  );
  byId('inbox-messages').replaceChildren(...rows);
  byId('inbox-table').hidden = messages.length === 0;
  byId('inbox-none').hidden = messages.length > 0;
  if (inbox.openId !== null && !messages.some(({ id }) => id === inbox.openId)) closeMessage();
}

/** A link of a message as a link to follow, if it is a web address: a javascript: or data: URL stays text. */
function messageLink(url) {
  let protocol;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = '';
  }
  return protocol === 'http:' || protocol === 'https:' ? element('a', { href: url }, url) : element('code', {}, url);
}

async function openMessage(id) {
  const { status, body } = await askOutbox(`${OUTBOX_PATH}/${encodeURIComponent(id)}`);
  if (status !== 200) return refreshInbox(); // emptied meanwhile, or the viewer may no longer read it
  inbox.openId = id;
  byId('inbox-subject').textContent = body.subject;
  byId('inbox-meta').textContent = `From ${body.from} to ${body.to}, ${shownDate(body.date)}`;
  byId('inbox-text').textContent = body.text;
  byId('inbox-links').replaceChildren(...body.links.map((url) => element('li', {}, messageLink(url))));
  byId('inbox-message').hidden = false;
}

function closeMessage() {
  inbox.openId = null;
  byId('inbox-message').hidden = true;
}

async function emptyInbox() {
  const result = await send('DELETE', OUTBOX_PATH, undefined, !(await isTestServer()));
  if (result.status === 204) closeMessage();
  await refreshInbox();
}

/** Reads the list until a new message shows (or the few tries are spent: an unknown email gets none). */
async function waitForNewMail() {
  const before = inbox.newestId;
  for (let tries = 0; tries < POLL.times && inbox.newestId === before; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, POLL.every));
    await refreshInbox();
  }
}

/** "Forgot password?": the login form's email to POST /auth/forgot-password, and the server's answer under it. */
async function askForResetLink() {
  const status = byId('forgot-status');
  const email = byId('login-name').value.trim();
  // The link goes by mail, so the route takes an email only: a username (never with an `@`) is not sent at all.
  const problem =
    email === ''
      ? 'Type the email of the account above first.'
      : email.includes('@')
        ? ''
        : "Forgot password needs the account's email: type it above instead of the username.";
  if (problem !== '') {
    status.className = 'error';
    status.textContent = problem;
    return;
  }
  const result = await sendJson('POST', '/auth/forgot-password', { email }, false);
  status.className = result.status === 202 ? 'muted' : 'error';
  status.textContent = result.body?.message || `The server answered ${result.status}.`;
  if (result.status === 202 && !byId('inbox').hidden) await waitForNewMail();
}

/** An action whose failure (no network) shows in the element `errorId` names instead of being lost. */
function showingFailure(errorId, action) {
  return async () => {
    const shown = byId(errorId);
    shown.textContent = '';
    try {
      await action();
    } catch (error) {
      shown.className = 'error';
      shown.textContent = error instanceof Error ? error.message : String(error);
    }
  };
}

function startInbox() {
  byId('forgot-button').addEventListener('click', showingFailure('forgot-status', askForResetLink));
  byId('inbox-refresh').addEventListener('click', showingFailure('inbox-error', refreshInbox));
  byId('inbox-empty').addEventListener('click', showingFailure('inbox-error', emptyInbox));
  byId('inbox-close').addEventListener('click', closeMessage);
  refreshInbox();
}

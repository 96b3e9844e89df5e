// The playground's script: plain browser JavaScript, no build step and nothing loaded from elsewhere. It only ever
// writes text into the page (textContent, never innerHTML): the data it shows comes from the API, and anyone can
// register an account or write a post.
'use strict';

(() => {
  const api = JSON.parse(document.getElementById('api-data').textContent);
  const byId = (id) => document.getElementById(id);

  /** The tokens of this tab, in memory only: a reload signs out of the page (the session lives on server-side). */
  const session = { accessToken: null, refreshToken: null, user: null, claims: null, header: null, ended: null };

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else if (name === 'className') node.className = value;
      else node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  }

  /** A form's control by name (form.elements, since a control named "name" or "method" would shadow the form's own). */
  const field = (form, name) => form.elements.namedItem(name);

  const pretty = (value) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

  function parseBody(text) {
    if (text === '') return '';
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  // ---- Requests: every one shows in the response panel, logins and refreshes too.

  /** Sends one request to this server; `bodyText` goes as it is, so malformed JSON shows the server's 400. */
  async function send(method, path, bodyText, withToken) {
    const url = new URL(path, location.origin);
    if (url.origin !== location.origin) throw new Error('The path must be on this server: it starts with /.');
    const headers = { Accept: 'application/json' };
    if (bodyText !== undefined) headers['Content-Type'] = 'application/json';
    if (withToken && session.accessToken) headers.Authorization = `Bearer ${session.accessToken}`;
    const started = performance.now();
    const response = await fetch(url, { method, headers, body: bodyText, credentials: 'same-origin' });
    const result = {
      request: `${method} ${url.pathname}${url.search}${withToken && session.accessToken ? ' (with token)' : ''}`,
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers.entries()],
      body: parseBody(await response.text()),
      ms: Math.round(performance.now() - started),
    };
    showResponse(result);
    return result;
  }

  const sendJson = (method, path, value, withToken) => send(method, path, JSON.stringify(value), withToken);

  let responsesShown = 0;

  function showResponse(result) {
    responsesShown += 1;
    byId('response-number').textContent = `#${responsesShown}`;
    byId('response-empty').hidden = true;
    byId('response-view').hidden = false;
    byId('response-request').textContent = result.request;
    const status = byId('response-status');
    status.textContent = `${result.status} ${result.statusText}`.trim();
    status.className = result.status < 400 ? 'status-ok' : 'status-bad';
    byId('response-time').textContent = `${result.ms} ms`;
    byId('response-body').textContent = result.body === '' ? '(no body)' : pretty(result.body);
    byId('response-headers').textContent = result.headers.map(([name, value]) => `${name}: ${value}`).join('\n');
  }

  // ---- The session: log in, register, refresh, log out.

  function decodePart(part) {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0))));
  }

  function useAuthResult(result) {
    const [header, claims] = result.accessToken.split('.').slice(0, 2).map(decodePart);
    Object.assign(session, { accessToken: result.accessToken, refreshToken: result.refreshToken ?? null, user: result.user, header, claims, ended: null });
    renderSession();
  }

  /** The session is over: the token stays on show, and is still sent, so one can watch the server refuse it. */
  function endSession(reason) {
    session.refreshToken = null;
    session.ended = reason;
    renderSession();
  }

  async function logIn(email, password) {
    const result = await sendJson('POST', '/auth/login', { email, password }, false);
    if (result.status === 200) useAuthResult(result.body);
  }

  async function register(form) {
    const fields = { email: field(form, 'email').value, password: field(form, 'password').value };
    const name = field(form, 'name').value.trim();
    if (name !== '') fields.name = name;
    const result = await sendJson('POST', '/auth/register', fields, false);
    if (result.status === 201) {
      form.reset();
      useAuthResult(result.body);
    }
  }

  async function refresh() {
    // In --cookie mode the refresh token is in an HttpOnly cookie the browser sends by itself.
    const result = await sendJson('POST', '/auth/refresh', session.refreshToken ? { refreshToken: session.refreshToken } : {}, false);
    if (result.status === 200) useAuthResult(result.body);
    else if (result.status === 401) endSession('the refresh was refused; log in again');
  }

  async function logOut() {
    const result = await sendJson('POST', '/auth/logout', session.refreshToken ? { refreshToken: session.refreshToken } : {}, true);
    if (result.status === 204) endSession('logged out: the server refuses this token now');
  }

  // ---- Rendering

  function renderSession() {
    const { user, claims, ended } = session;
    byId('token-empty').hidden = claims !== null;
    byId('token-view').hidden = claims === null;
    if (!claims) return;
    byId('who').textContent = ended ? `Signed out (${ended})` : `Signed in as ${user.email} (${claims.role}, id ${claims.sub})`;
    byId('token-header').textContent = pretty(session.header);
    byId('token-claims').textContent = pretty(claims);
    byId('token-raw').textContent = session.accessToken;
    byId('refresh-button').disabled = ended !== null;
    byId('logout-button').disabled = ended !== null;
    renderCountdown();
  }

  const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

  function renderCountdown() {
    const { claims, ended } = session;
    if (!claims) return;
    const left = claims.exp - Math.floor(Date.now() / 1000);
    const at = new Date(claims.exp * 1000).toLocaleTimeString();
    const countdown = byId('countdown');
    if (ended) countdown.textContent = `Session ended: ${ended}`;
    else if (left > 0) countdown.textContent = `Expires in ${clock(left)} (at ${at})`;
    else countdown.textContent = `Expired ${clock(-left)} ago (at ${at}): refresh for a new one`;
    countdown.classList.toggle('expired', Boolean(ended) || left <= 0);
  }

  function renderResources() {
    const rows = api.resources.map(({ name, read, write }) =>
      element(
        'tr',
        {},
        element('td', {}, element('button', { type: 'button', className: 'link', title: `GET /${name}`, onclick: () => sendFromBox('GET', `/${name}`) }, `/${name}`)),
        element('td', {}, read),
        element('td', {}, write),
      ),
    );
    byId('resources').replaceChildren(...rows);
    byId('auth-routes').textContent =
      'Auth: POST /auth/register, /auth/login, /auth/refresh, /auth/logout, /auth/logout-all; GET /auth/me. ' +
      (api.cookieMode ? 'Refresh tokens travel in an HttpOnly cookie (--cookie).' : 'Refresh tokens travel in the JSON body.');
  }

  function useAccount(email) {
    const form = byId('login-form');
    field(form, 'email').value = email;
    field(form, 'password').value = '';
    field(form, 'password').focus();
  }

  function renderDemoAccounts() {
    const box = byId('demo-accounts');
    if (api.demoAccounts.length === 0) {
      box.replaceChildren(element('p', { className: 'muted' }, 'No demo accounts: users.json held no plain-text password at this start. Register one below.'));
      return;
    }
    const rows = api.demoAccounts.map(({ email, role }) =>
      element(
        'tr',
        {},
        element('td', {}, email),
        element('td', {}, role),
        element('td', {}, element('button', { type: 'button', className: 'secondary', 'aria-label': `Use ${email}`, onclick: () => useAccount(email) }, 'Use')),
      ),
    );
    box.replaceChildren(
      element('h3', {}, 'Demo accounts'),
      element('table', {}, element('thead', {}, element('tr', {}, ...['email', 'role', ''].map((title) => element('th', { scope: 'col' }, title)))), element('tbody', {}, ...rows)),
      element('p', { className: 'muted' }, 'Their passwords are the ones users.json held in plain text (the server\'s console shows one). This page never receives a password.'),
    );
  }

  // ---- The request box

  function sendFromBox(method, path) {
    const form = byId('request-form');
    field(form, 'method').value = method;
    field(form, 'path').value = path;
    form.requestSubmit();
  }

  async function sendRequestBox(form) {
    const method = field(form, 'method').value;
    const body = field(form, 'body').value.trim();
    const path = field(form, 'path').value.trim() || '/';
    const withBody = ['POST', 'PUT', 'PATCH'].includes(method) && body !== '';
    await send(method, path.startsWith('/') ? path : `/${path}`, withBody ? body : undefined, field(form, 'withToken').checked);
  }

  /** Runs an action, showing a failure (no network, a bad path) under the request box instead of losing it. */
  async function guarded(action) {
    byId('request-error').textContent = '';
    try {
      await action();
    } catch (error) {
      byId('request-error').textContent = error instanceof Error ? error.message : String(error);
    }
  }

  function onSubmit(id, action) {
    byId(id).addEventListener('submit', (event) => {
      event.preventDefault();
      guarded(() => action(event.target));
    });
  }

  onSubmit('login-form', (form) => logIn(field(form, 'email').value, field(form, 'password').value));
  onSubmit('register-form', register);
  onSubmit('request-form', sendRequestBox);
  byId('refresh-button').addEventListener('click', () => guarded(refresh));
  byId('logout-button').addEventListener('click', () => guarded(logOut));
  byId('copy-button').addEventListener('click', () => guarded(() => navigator.clipboard.writeText(session.accessToken)));
  renderResources();
  renderDemoAccounts();
  setInterval(renderCountdown, 1000);
})();

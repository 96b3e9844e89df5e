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

  /** The URL of a path on this server; anything that would leave it is refused, so the token never goes elsewhere. */
  function requestUrl(path) {
    const url = new URL(path, location.origin);
    if (url.origin !== location.origin) throw new Error('The path must be on this server: it starts with /.');
    return url;
  }

  /** The headers a request carries: one answer for what is sent and for what "Copy as curl" writes. */
  function requestHeaders(withBody, withToken) {
    const headers = { Accept: 'application/json' };
    if (withBody) headers['Content-Type'] = 'application/json';
    if (withToken && session.accessToken) headers.Authorization = `Bearer ${session.accessToken}`;
    return headers;
  }

  /**
   * Sends one request to this server; `bodyText` goes as it is, so malformed JSON shows the server's 400. A request
   * from the box is `replayable`: it goes into the history. The auth forms' requests are not kept there, as their
   * bodies hold a password or a refresh token.
   */
  async function send(method, path, bodyText, withToken, { replayable = false } = {}) {
    const url = requestUrl(path);
    const headers = requestHeaders(bodyText !== undefined, withToken);
    const started = performance.now();
    const response = await fetch(url, { method, headers, body: bodyText, credentials: 'same-origin' });
    const result = {
      method,
      path: `${url.pathname}${url.search}`,
      withToken: headers.Authorization !== undefined,
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers.entries()],
      body: parseBody(await response.text()),
      ms: Math.round(performance.now() - started),
      at: new Date(),
    };
    const number = showResponse(result);
    if (replayable) addToHistory(number, result, { method, path, body: bodyText, withToken });
    return result;
  }

  const sendJson = (method, path, value, withToken) => send(method, path, JSON.stringify(value), withToken);

  let responsesShown = 0;

  /** Shows a response, numbered; returns its number. */
  function showResponse(result) {
    responsesShown += 1;
    byId('response-number').textContent = `#${responsesShown}`;
    byId('response-empty').hidden = true;
    byId('response-view').hidden = false;
    byId('response-request').textContent = `${result.method} ${result.path}${result.withToken ? ' (with token)' : ''}`;
    const status = byId('response-status');
    status.textContent = `${result.status} ${result.statusText}`.trim();
    status.className = statusClass(result.status);
    byId('response-time').textContent = `${result.ms} ms`;
    byId('response-strip').replaceChildren(...headerStrip(result.headers));
    byId('response-body').textContent = result.body === '' ? '(no body)' : pretty(result.body);
    byId('response-headers').textContent = result.headers.map(([name, value]) => `${name}: ${value}`).join('\n');
    return responsesShown;
  }

  const statusClass = (status) => (status < 400 ? 'status-ok' : 'status-bad');

  // The headers one looks for without opening the list: json-server's paging, and why a 401 was given.
  const STRIP_HEADERS = { 'x-total-count': 'X-Total-Count', link: 'Link', 'www-authenticate': 'WWW-Authenticate' };

  function headerStrip(headers) {
    return headers
      .filter(([name]) => Object.hasOwn(STRIP_HEADERS, name))
      .map(([name, value]) =>
        element('span', {}, element('span', { className: 'muted' }, `${STRIP_HEADERS[name]}: `), ...(name === 'link' ? linkButtons(value) : [value])),
      );
  }

  /** `<…?_page=2>; rel="next", …` as one button a rel, each sending its GET (the URL shows on hover). */
  function linkButtons(value) {
    const links = [...value.matchAll(/<([^>]*)>\s*;\s*rel="?([^";,]+)"?/g)].flatMap(([, target, rel]) => {
      try {
        const url = requestUrl(target);
        const path = `${url.pathname}${url.search}`;
        return [element('button', { type: 'button', className: 'link', title: `GET ${path}`, onclick: () => sendFromBox({ method: 'GET', path }) }, rel)];
      } catch {
        return []; // not on this server: the full list under Headers shows it
      }
    });
    return links.length > 0 ? links : [value];
  }

  // ---- The history: the box's requests, newest first, each one click from being sent again.

  const HISTORY_LENGTH = 50;

  function addToHistory(number, result, request) {
    const time = result.at.toLocaleTimeString();
    const entry = element(
      'li',
      {},
      element(
        'div',
        { className: 'history-request' },
        element('span', { className: 'muted' }, `#${number}`),
        element('code', {}, `${result.method} ${result.path}`),
      ),
      element(
        'div',
        { className: 'history-result' },
        element('strong', { className: statusClass(result.status) }, String(result.status)),
        element('span', { className: 'muted' }, `${result.ms} ms, ${time}`),
        element(
          'button',
          {
            type: 'button',
            className: 'secondary small',
            'aria-label': `Re-run #${number}`,
            title: 'Put it back in the box and send it again',
            onclick: () => sendFromBox(request),
          },
          'Re-run',
        ),
      ),
    );
    const list = byId('history');
    list.prepend(entry);
    while (list.children.length > HISTORY_LENGTH) list.lastElementChild.remove();
    byId('history-empty').hidden = true;
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
    sampleForAccount();
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
        element(
          'td',
          {},
          element(
            'button',
            { type: 'button', className: 'link', title: `GET /${name}`, onclick: () => sendFromBox({ method: 'GET', path: `/${name}` }) },
            `/${name}`,
          ),
        ),
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
        element(
          'td',
          {},
          element('button', { type: 'button', className: 'secondary small', 'aria-label': `Use ${email}`, onclick: () => useAccount(email) }, 'Use'),
        ),
      ),
    );
    box.replaceChildren(
      element('h3', {}, 'Demo accounts'),
      element(
        'table',
        {},
        element('thead', {}, element('tr', {}, ...['email', 'role', ''].map((title) => element('th', { scope: 'col' }, title)))),
        element('tbody', {}, ...rows),
      ),
      element(
        'p',
        { className: 'muted' },
        "Their passwords are the ones users.json held in plain text (the server's console shows one). This page never receives a password.",
      ),
    );
  }

  // ---- The request box

  const requestForm = byId('request-form');

  /** Puts a request in the box and sends it: the resource links, the Link header's pages, and Re-run. */
  function sendFromBox({ method, path, body, withToken }) {
    field(requestForm, 'method').value = method;
    field(requestForm, 'path').value = path;
    if (body !== undefined) field(requestForm, 'body').value = body;
    if (withToken !== undefined) field(requestForm, 'withToken').checked = withToken;
    requestForm.requestSubmit();
  }

  /** What the box would send: Send and "Copy as curl" read it the same way. */
  function boxRequest() {
    const method = field(requestForm, 'method').value;
    const body = field(requestForm, 'body').value.trim();
    const path = field(requestForm, 'path').value.trim() || '/';
    const withBody = ['POST', 'PUT', 'PATCH'].includes(method) && body !== '';
    return { method, path: path.startsWith('/') ? path : `/${path}`, body: withBody ? body : undefined, withToken: field(requestForm, 'withToken').checked };
  }

  async function sendRequestBox() {
    const { method, path, body, withToken } = boxRequest();
    await send(method, path, body, withToken, { replayable: true });
  }

  /** POSIX shell single quotes: nothing inside is special, and a quote is closed, escaped and reopened. */
  const shellQuote = (text) => `'${text.replace(/'/g, "'\\''")}'`;

  /** The box's request as a curl command line, with the token it would carry: one option a line. */
  function curlCommand({ method, path, body, withToken }) {
    const lines = [`curl ${method === 'GET' ? '' : `-X ${method} `}${shellQuote(requestUrl(path).href)}`];
    for (const [name, value] of Object.entries(requestHeaders(body !== undefined, withToken))) lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
    if (body !== undefined) lines.push(`--data-raw ${shellQuote(body)}`);
    return lines.join(' \\\n  ');
  }

  /** Shows the command, selected, and copies it where the browser lets the page (not on plain http to another host). */
  async function copyAsCurl() {
    const output = byId('curl');
    output.value = curlCommand(boxRequest());
    byId('curl-view').hidden = false;
    byId('curl-status').textContent = '';
    output.select();
    try {
      await navigator.clipboard.writeText(output.value);
      byId('curl-status').textContent = 'copied';
    } catch {
      byId('curl-status').textContent = 'selected: copy it with Ctrl+C';
    }
  }

  // Query parameters of json-server 0.17, each with a value to start from (selected, so typing replaces it).
  const QUERY_HINTS = [
    { name: '_page', value: () => '1', title: 'Pages of 10 (or _limit): X-Total-Count and Link tell the count and the other pages' },
    { name: '_limit', value: () => '10', title: 'At most this many records' },
    { name: '_sort', value: () => api.idField, title: 'Sort by a field; add &_order=desc to reverse' },
    { name: '_embed', value: () => embedHint(), title: `Embed a child collection: its records whose <name>${api.foreignKeySuffix} names this one` },
    { name: 'q', value: () => 'text', title: 'Full-text search over every field' },
  ];

  /** A collection other than the one in the path, as something to embed. */
  function embedHint() {
    const current = boxRequest().path.split(/[/?]/)[1];
    return collections().find((name) => name !== current) ?? 'children';
  }

  /** Adds `name=value` to the path, or finds the one there, and selects the value. */
  function addToPath(name, value) {
    const input = field(requestForm, 'path');
    const path = input.value.trim() || '/';
    const existing = new RegExp(`([?&]${name}=)([^&]*)`).exec(path);
    if (existing) {
      input.value = path;
      const start = existing.index + existing[1].length;
      input.focus();
      input.setSelectionRange(start, start + existing[2].length);
      return;
    }
    const separator = !path.includes('?') ? '?' : /[?&]$/.test(path) ? '' : '&';
    const start = `${path}${separator}${name}=`.length;
    input.value = `${path}${separator}${name}=${value}`;
    input.focus();
    input.setSelectionRange(start, input.value.length);
  }

  function renderQueryHints() {
    const buttons = QUERY_HINTS.map(({ name, value, title }) =>
      element('button', { type: 'button', className: 'secondary small', title, onclick: () => addToPath(name, value()) }, name),
    );
    byId('query-hints').append(...buttons);
  }

  // ---- Where the box starts: this db's first resource, and a body made from one of its records.

  const collections = () => api.resources.filter((resource) => resource.kind === 'collection').map((resource) => resource.name);

  /** The first resource of db.json one may write to (else the first one): GET /db is the server's, not the data's. */
  function startingResource() {
    const resources = api.resources.filter((resource) => resource.name !== 'db');
    return resources.find((resource) => !resource.write.startsWith('nobody')) ?? resources[0];
  }

  const start = startingResource();
  const isPublicRead = (resource) => resource.read.split(', ').includes('public');

  /**
   * The sample body in the box, and whose rights read it: replaced only while the box still holds it untouched.
   * It comes from a record the caller may read, fetched with the caller's own rights: no token for a public
   * resource, else the token of whoever signed in (so a new account never sees the last one's record).
   */
  const sample = { body: '', readAs: null, asked: 0 };

  /** The record's fields without its id and its owner field (`userId`, following --fks): the server sets those. */
  function sampleBody(value) {
    const record = Array.isArray(value) ? value[0] : value;
    if (record === null || typeof record !== 'object' || Array.isArray(record)) return '';
    const { [api.idField]: _id, [`user${api.foreignKeySuffix}`]: _owner, ...fields } = record;
    return Object.keys(fields).length > 0 ? JSON.stringify(fields, null, 2) : '';
  }

  /**
   * Reads one record of the starting resource, quietly (the one request the panel does not show: nobody asked for
   * it), and puts its fields in the box if the box still holds the last sample.
   */
  async function fillSampleBody(readAs) {
    const box = field(requestForm, 'body');
    const untouched = () => box.value.trim() === sample.body.trim();
    if (!start || !untouched() || sample.readAs === readAs) return;
    const asked = (sample.asked += 1);
    let body = '';
    try {
      const path = start.kind === 'collection' ? `/${start.name}?_limit=1` : `/${start.name}`;
      const response = await fetch(requestUrl(path), { headers: requestHeaders(false, readAs !== 'public'), credentials: 'same-origin' });
      if (response.ok) body = sampleBody(parseBody(await response.text()));
    } catch {
      // No sample, then: the placeholder stays.
    }
    // A later sign-in asked since (its account must not get this one's record), or the person wrote their own.
    if (asked !== sample.asked || !untouched()) return;
    box.value = body;
    Object.assign(sample, { body, readAs });
  }

  function startTheBox() {
    if (!start) return;
    field(requestForm, 'path').value = `/${start.name}`;
    if (isPublicRead(start)) fillSampleBody('public');
    else field(requestForm, 'body').placeholder = `Log in: the body is then made from one of the /${start.name} records you may read.`;
  }

  /** After a login, register or refresh: a resource that is not public gets its sample with this account's token. */
  function sampleForAccount() {
    if (start && !isPublicRead(start) && !session.ended) fillSampleBody(String(session.claims.sub));
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
  byId('curl-button').addEventListener('click', () => guarded(copyAsCurl));
  byId('refresh-button').addEventListener('click', () => guarded(refresh));
  byId('logout-button').addEventListener('click', () => guarded(logOut));
  byId('copy-button').addEventListener('click', () => guarded(() => navigator.clipboard.writeText(session.accessToken)));
  renderResources();
  renderDemoAccounts();
  renderQueryHints();
  startTheBox();
  setInterval(renderCountdown, 1000);
})();

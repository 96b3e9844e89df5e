// Sending requests and showing their answers: every request shows in the response panel, and the box's go into the
// history.
/* global byId, element, parseBody, pretty, sendFromBox, session */
/* exported requestHeaders, requestUrl, send, sendForm, sendJson */

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
 * bodies hold a password or a refresh token. `contentType` replaces JSON's, for a body in another format.
 */
async function send(method, path, bodyText, withToken, { replayable = false, contentType } = {}) {
  const url = requestUrl(path);
  const headers = requestHeaders(bodyText !== undefined, withToken);
  if (contentType) headers['Content-Type'] = contentType;
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

/** A POST of form fields, as OAuth's token endpoint takes them (RFC 6749 §4.1.3), without the access token. */
const sendForm = (path, fields) => send('POST', path, new URLSearchParams(fields).toString(), false, { contentType: 'application/x-www-form-urlencoded' });

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

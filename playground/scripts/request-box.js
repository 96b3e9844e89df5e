// The request box: send, copy as curl, and json-server's query parameters one click away.
/* global api, byId, collections, element, field, requestHeaders, requestUrl, send */
/* exported copyAsCurl, renderQueryHints, requestForm, sendFromBox, sendRequestBox */

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

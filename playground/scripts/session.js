// The session: log in (and wait after too many failures), register, refresh, log out, and the token panel with its countdown.
/* global accountName, api, base64urlBytes, byId, checkTokenSignature, element, field, loginBody, pretty, refreshInbox, sameLoginName, sampleForAccount, sendForm, sendJson, session */
/* exported chooseLoginAccount, decodePart, logIn, logOut, refresh, register, renderCountdown, renderDocsLink, useAuthResult */

const decodePart = (part) => JSON.parse(new TextDecoder().decode(base64urlBytes(part)));

function useAuthResult(result) {
  const [header, claims] = result.accessToken.split('.').slice(0, 2).map(decodePart);
  Object.assign(session, {
    accessToken: result.accessToken,
    refreshToken: result.refreshToken ?? null,
    // The OpenID client whose tokens these are: its refresh token is refreshed at /auth/token, as that client.
    clientId: result.clientId ?? null,
    user: result.user,
    header,
    claims,
    ended: null,
  });
  endLoginWait();
  renderSession();
  checkTokenSignature();
  sampleForAccount();
}

/** The session is over: the token stays on show, and is still sent, so one can watch the server refuse it. */
function endSession(reason) {
  session.refreshToken = null;
  session.ended = reason;
  renderSession();
}

/** A login by the name typed, an email or a username (login-names.js). */
async function logIn(name, password) {
  const result = await sendJson('POST', '/auth/login', loginBody(name, password), false);
  if (result.status === 200) useAuthResult(result.body);
  else if (result.status === 429) waitBeforeLogIn(name, result);
}

async function register(form) {
  const fields = { password: field(form, 'password').value };
  // Only the names given: the one --login-field names is required, the other may be left empty (login-names.js).
  for (const name of ['email', 'username', 'name']) {
    const value = field(form, name).value.trim();
    if (value !== '') fields[name] = value;
  }
  const result = await sendJson('POST', '/auth/register', fields, false);
  if (result.status === 201) {
    form.reset();
    // Under --require-verified-email the account gets no tokens until its email is verified: the answer says so.
    if (result.body.accessToken) useAuthResult(result.body);
  }
}

/** An OpenID session's refresh: the token endpoint's refresh_token grant, as its client (the server refuses it at /auth/refresh). */
async function refreshAtTokenEndpoint() {
  const result = await sendForm('/auth/token', { grant_type: 'refresh_token', refresh_token: session.refreshToken ?? '', client_id: session.clientId });
  if (result.status === 200) {
    const { access_token: accessToken, refresh_token: refreshToken } = result.body;
    useAuthResult({ accessToken, refreshToken: refreshToken ?? session.refreshToken, user: session.user, clientId: session.clientId });
  } else if (result.status === 400 || result.status === 401) endSession('the refresh was refused; sign in again');
}

async function refresh() {
  if (session.clientId) return refreshAtTokenEndpoint();
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
  renderDocsLink();
  // Whether the viewer may read the outbox goes with the token: an admin's shows the Inbox, a revoked one hides it.
  refreshInbox();
  byId('token-empty').hidden = claims !== null;
  byId('token-view').hidden = claims === null;
  if (!claims) return;
  byId('who').textContent = ended ? `Signed out (${ended})` : `Signed in as ${accountName(user)} (${claims.role}, id ${claims.sub})`;
  const { alg, kid } = session.header;
  byId('token-key').textContent = kid === undefined ? `Signed with ${alg}, no kid (one shared secret)` : `Signed with ${alg}, key ${kid}`;
  byId('token-header').textContent = pretty(session.header);
  byId('token-claims').textContent = pretty(claims);
  byId('token-raw').textContent = session.accessToken;
  byId('refresh-button').disabled = ended !== null;
  byId('logout-button').disabled = ended !== null;
  renderCountdown();
}

/**
 * The header's link to the API reference (Swagger UI): signed in, it hands over the access token in the fragment,
 * which the page there takes at once (playground/docs/docs.js) and which no server receives, so "try it" works as
 * this session. It opens in a new tab, as this page's session lives in this tab's memory only.
 */
function renderDocsLink() {
  // The reference keeps out of the way of a db.json resource named docs: the server says where it is.
  const { docsPath } = api;
  const signedIn = session.accessToken !== null && session.ended === null;
  const link = byId('docs-link');
  link.href = signedIn ? `${docsPath}#token=${encodeURIComponent(session.accessToken)}` : docsPath;
  link.textContent = `API reference (${docsPath})`;
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

// ---- Too many failed logins (README "Rate limits"): the server answers 429 and says how long to wait; the form
// waits that long, counting down, instead of sending attempts that are refused whatever the password.

/** The wait a 429 began: the name's (an email or a username, as typed), or every account's (name null) when this address is out of tries. */
let loginWait = null;

function waitBeforeLogIn(name, result) {
  const header = (name) => result.headers.find(([key]) => key === name)?.[1] ?? '';
  // RateLimit (draft-ietf-httpapi-ratelimit-headers) says which limit was reached: the address's holds for any account.
  const everyAccount = /"failures-per-address";r=0\b/.test(header('ratelimit'));
  endLoginWait();
  loginWait = {
    name: everyAccount ? null : name,
    until: Date.now() + retryAfterSeconds(header('retry-after')) * 1000,
    timer: setInterval(renderLoginWait, 1000),
  };
  loginWaitParts().message.textContent = result.body?.message || 'Too many failed logins: wait, then try again.';
  renderLoginWait();
}

/** Retry-After is a number of seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterSeconds(value) {
  if (/^\d+$/.test(value.trim())) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? 0 : Math.ceil((date - Date.now()) / 1000);
}

/** The wait is over, someone signed in, or another account was chosen: the form is usable again, and says so. */
function endLoginWait() {
  if (!loginWait) return;
  clearInterval(loginWait.timer);
  loginWait = null;
  const { message, countdown, submit } = loginWaitParts();
  message.textContent = '';
  countdown.textContent = '';
  submit.disabled = false;
}

function renderLoginWait() {
  const left = Math.ceil((loginWait.until - Date.now()) / 1000);
  if (left <= 0) return endLoginWait();
  const { countdown, submit } = loginWaitParts();
  countdown.textContent = `Try again in ${left} s`;
  submit.disabled = true;
}

/**
 * The Use button or the login field: another name's login is not held up by this one's wait (an address's is). The
 * other name of the same account is let through too: the server counts both as one and answers 429 again.
 */
function chooseLoginAccount(name) {
  if (loginWait && loginWait.name !== null && !sameLoginName(loginWait.name, name)) endLoginWait();
}

/** Under the login form, made the first time a wait begins: the server's message (read out once) and the countdown (not read out every second). */
function loginWaitParts() {
  const form = byId('login-form');
  if (!byId('login-wait')) {
    form.append(
      element('p', { id: 'login-wait', className: 'error', role: 'alert' }),
      element('p', { id: 'login-wait-countdown', className: 'countdown', 'aria-live': 'off' }),
    );
  }
  return { message: byId('login-wait'), countdown: byId('login-wait-countdown'), submit: form.querySelector('button[type="submit"]') };
}

// "Sign in with OpenID": the authorization code flow with PKCE (RFC 6749 §4.1, RFC 7636, OIDC Core §3.1) against
// this server's own provider, run as a single-page app runs it, and every step shown: the redirect, the code, its
// exchange and the ID token checked. Its tokens then serve as a password login's do (session.js).
/* global byId, decodePart, element, pretty, sendForm, signatureCheck, useAuthResult */
/* exported finishOpenIdRedirect, renderOpenIdButton, signOutAtProvider, startOpenIdSignIn */

const OPENID = { clientId: 'playground', scope: 'openid profile email offline_access' };
const DISCOVERY_PATH = '/.well-known/openid-configuration';
// What this tab sent and must find again when the provider answers: the page itself is gone meanwhile.
const SIGN_IN_KEY = 'fake-jwt-api:openid-sign-in';
const SIGN_OUT_KEY = 'fake-jwt-api:openid-sign-out';

/** The ID token of this tab's OpenID sign-in: ending the session at the provider names it with it. */
const openId = { idToken: null };

// The page is served at /, and takes the provider's answers there.
const redirectUri = () => `${location.origin}/`;
/** The hosts the provider sends a code back to without --redirect-uri (src/provider/clients.ts). */
const isLoopback = (hostname) => hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);

const base64url = (bytes) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const randomText = () => base64url(crypto.getRandomValues(new Uint8Array(32)));
const digest = async (hash, text) => new Uint8Array(await crypto.subtle.digest(hash, new TextEncoder().encode(text)));

async function discovery() {
  const response = await fetch(DISCOVERY_PATH, { credentials: 'omit', headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET ${DISCOVERY_PATH} answered ${response.status}`);
  return response.json();
}

function renderOpenIdButton() {
  // PKCE hashes the verifier with Web Crypto, which browsers offer only on https:// and on this machine's pages.
  if (globalThis.crypto && crypto.subtle) return;
  byId('openid-button').disabled = true;
  byId('openid-note').textContent = `Not on ${location.host}: browsers give Web Crypto, which PKCE needs, only to https:// pages and to localhost.`;
}

/**
 * Whether the provider sends its answer back to this page: any loopback URL, other ones only when given with
 * --redirect-uri. Asked without response_type: an accepted redirect URI gets that error by redirect, another a 400 page.
 */
async function redirectUriAccepted(authorizationEndpoint) {
  if (isLoopback(location.hostname)) return true;
  const probe = new URL(authorizationEndpoint);
  probe.search = new URLSearchParams({ client_id: OPENID.clientId, redirect_uri: redirectUri() }).toString();
  return (await fetch(probe, { redirect: 'manual', credentials: 'omit' })).type === 'opaqueredirect';
}

/** Step 1: a verifier kept in this tab, its S256 challenge, a state and a nonce; then off to the provider. */
async function startOpenIdSignIn() {
  const metadata = await discovery();
  const note = byId('openid-note');
  if (!metadata.authorization_endpoint) {
    byId('openid-button').disabled = true;
    note.textContent = 'This server has no OpenID provider: it signs with a shared secret (HS256). Start it without --secret to get one.';
    return;
  }
  if (!(await redirectUriAccepted(metadata.authorization_endpoint))) {
    note.textContent = `The provider sends codes only to this machine: start the server with --redirect-uri ${redirectUri()} to sign in from ${location.host}.`;
    return;
  }
  const verifier = randomText();
  const parameters = {
    response_type: 'code',
    client_id: OPENID.clientId,
    redirect_uri: redirectUri(),
    scope: OPENID.scope,
    state: randomText(),
    nonce: randomText(),
    code_challenge: base64url(await digest('SHA-256', verifier)),
    code_challenge_method: 'S256',
  };
  const url = new URL(metadata.authorization_endpoint);
  url.search = new URLSearchParams(parameters).toString();
  sessionStorage.setItem(SIGN_IN_KEY, JSON.stringify({ verifier, parameters, url: url.href }));
  location.assign(url.href);
}

/** The provider's answer in the address bar (?code&state&iss, or ?error), taken out of it at once. */
async function finishOpenIdRedirect() {
  const answer = new URLSearchParams(location.search);
  if (!answer.has('state')) return;
  // A reload, a bookmark or a shared link must not carry the code.
  history.replaceState(null, '', location.pathname);
  const signOut = takeStored(SIGN_OUT_KEY);
  if (signOut && !answer.has('code')) return showSignedOut(signOut, answer);
  const started = takeStored(SIGN_IN_KEY);
  if (!started) return;
  byId('openid-view').hidden = false;
  try {
    await finishSignIn(started, answer);
  } catch (error) {
    byId('openid-error').textContent = error instanceof Error ? error.message : String(error);
  }
}

function takeStored(key) {
  const stored = sessionStorage.getItem(key);
  sessionStorage.removeItem(key);
  return stored === null ? undefined : JSON.parse(stored);
}

const check = (ok, text) => element('li', { className: ok ? 'status-ok' : 'status-bad' }, `${ok ? '✓' : '✗'} ${text}`);
const parameterLines = (parameters) => Object.entries(parameters).map(([name, value]) => `  ${name}=${value}`);

function showStep(title, explanation, checks, ...blocks) {
  const step = element('li', {}, element('h3', {}, title), element('p', { className: 'muted' }, explanation));
  if (checks.length > 0) step.append(element('ul', { className: 'checks' }, ...checks));
  step.append(...blocks.map((text) => element('pre', { className: 'wrap' }, text)));
  byId('openid-steps').append(step);
}

/** Steps 2 to 4: the answer checked, the code exchanged, the ID token checked; the tokens used only if all holds. */
async function finishSignIn({ verifier, parameters, url }, answer) {
  const metadata = await discovery();
  const { pathname } = new URL(url);
  showStep(
    '1. To the authorization endpoint',
    'The page made a random code_verifier, kept it in this tab (sessionStorage) and sent only its SHA-256, the code_challenge, with a state and a nonce:',
    [],
    [`GET ${pathname}?`, ...parameterLines(parameters)].join('\n'),
    `code_verifier (not sent yet) = ${verifier}`,
  );
  const stateMatches = answer.get('state') === parameters.state;
  const issMatches = answer.get('iss') === metadata.issuer;
  showStep(
    '2. Back with a code',
    'The provider signed you in and sent the browser back to redirect_uri. The code is gone from the address bar (history.replaceState).',
    [check(stateMatches, 'state is the one this page sent (no forged answer)'), check(issMatches, `iss is discovery's issuer, ${metadata.issuer} (RFC 9207)`)],
    [`GET /?`, ...parameterLines(Object.fromEntries(answer))].join('\n'),
  );
  if (answer.has('error')) throw new Error(`The provider answered ${answer.get('error')}: ${answer.get('error_description') ?? ''}`);
  if (!stateMatches || !issMatches) throw new Error('Not the answer to this page’s request: its code is not exchanged.');
  const tokens = await exchangeCode(metadata, verifier, answer.get('code'));
  if (await idTokenHolds(tokens, parameters.nonce, metadata.issuer)) useOpenIdTokens(tokens);
}

/** Step 3: the code and the verifier, which only this tab knew, for the tokens. */
async function exchangeCode(metadata, verifier, code) {
  const fields = { grant_type: 'authorization_code', code, redirect_uri: redirectUri(), client_id: OPENID.clientId, code_verifier: verifier };
  const { pathname } = new URL(metadata.token_endpoint);
  const result = await sendForm(pathname, fields);
  showStep(
    '3. The code exchanged at the token endpoint',
    'The server hashes code_verifier and compares it with the code_challenge of step 1: a code stolen on its way back is worth nothing without it.',
    [check(result.status === 200, `${result.status} ${result.statusText}`.trim())],
    [`POST ${pathname}`, 'Content-Type: application/x-www-form-urlencoded', '', ...parameterLines(fields)].join('\n'),
  );
  if (result.status !== 200) throw new Error(`The token endpoint refused the code: ${pretty(result.body)}`);
  return result.body;
}

// The hash of the ID token's alg (OIDC Core §3.1.3.6); Ed25519 signs with SHA-512.
const AT_HASH = { RS256: 'SHA-256', ES256: 'SHA-256', EdDSA: 'SHA-512' };

/** The left half of the hash of the access token, as the ID token's at_hash binds the two. */
async function accessTokenHash(accessToken, alg) {
  const hash = await digest(AT_HASH[alg] ?? 'SHA-256', accessToken);
  return base64url(hash.subarray(0, hash.length / 2));
}

/** Step 4: the ID token's claims checked as OIDC Core §3.1.3.7 asks, and its signature against the JWKS. */
async function idTokenHolds(tokens, nonce, issuer) {
  const [header, claims] = tokens.id_token.split('.').slice(0, 2).map(decodePart);
  const checks = [
    [claims.nonce === nonce, 'nonce is the one this page sent (no replayed token)'],
    [claims.aud === OPENID.clientId || (Array.isArray(claims.aud) && claims.aud.includes(OPENID.clientId)), `aud is this page's client_id, ${OPENID.clientId}`],
    [claims.iss === issuer, 'iss is the issuer of discovery'],
    [claims.at_hash === (await accessTokenHash(tokens.access_token, header.alg)), 'at_hash is the hash of the access token that came with it'],
  ];
  const signature = await signatureCheck(tokens.id_token, header);
  showStep(
    '4. The ID token: who signed in, for whom',
    'The access token is for the API (the Access token panel); the ID token tells this page who signed in. Checked here:',
    [...checks.map(([ok, text]) => check(ok, text)), element('li', { className: signature.mark }, signature.text)],
    pretty(header),
    pretty(claims),
  );
  if (checks.every(([ok]) => ok) && signature.mark !== 'refused') return true;
  byId('openid-error').textContent = 'The ID token failed a check: this page does not sign in with it.';
  return false;
}

/** The same signed-in state as a password login: the access token is sent, and Refresh and Log out use the session. */
function useOpenIdTokens(tokens) {
  const claims = decodePart(tokens.id_token.split('.')[1]);
  openId.idToken = tokens.id_token;
  useAuthResult({
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    // An account without an email has none in its ID token: its preferred_username names it (profile scope).
    user: { id: claims.sub, email: claims.email, username: claims.preferred_username },
    clientId: OPENID.clientId,
  });
  byId('openid-end-session').hidden = false;
}

/** RP-Initiated Logout 1.0: the provider ends the session and its own sign-in, then sends the browser back here. */
async function signOutAtProvider() {
  const metadata = await discovery();
  const state = randomText();
  const url = new URL(metadata.end_session_endpoint);
  url.search = new URLSearchParams({ id_token_hint: openId.idToken, post_logout_redirect_uri: redirectUri(), state }).toString();
  sessionStorage.setItem(SIGN_OUT_KEY, JSON.stringify({ state }));
  location.assign(url.href);
}

function showSignedOut({ state }, answer) {
  if (answer.get('state') !== state) return; // not the answer to this tab's request
  byId('openid-view').hidden = false;
  showStep(
    'Signed out at the provider',
    'It ended the session (its tokens are refused from now on) and its own sign-in: the next one asks for a password.',
    [],
  );
}

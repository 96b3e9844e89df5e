// The single-page app of test/e2e/oidc-client-ts.test.ts, written as a frontend developer would with oidc-client-ts,
// on an origin of its own: the API and the OpenID provider are the fake-jwt-api server at SPA_CONFIG.authority
// (config.js, written by the test's static server). Each step writes what it got into #result, as JSON, with
// data-step saying which step it was ('error' when one threw), for the test to read.
/* global document, location, window, oidc */
'use strict';

const { authority } = window.SPA_CONFIG;
const userManager = new oidc.UserManager({
  authority,
  client_id: 'spa',
  redirect_uri: `${location.origin}/callback.html`,
  post_logout_redirect_uri: `${location.origin}/index.html`,
  response_type: 'code',
  scope: 'openid profile email offline_access',
  loadUserInfo: true,
  automaticSilentRenew: false,
});

function show(step, result) {
  const element = document.getElementById('result');
  element.textContent = JSON.stringify(result, null, 2);
  element.dataset.step = step;
}

/** Runs one step of the app; an exception is shown rather than lost in the console. */
async function run(step, action) {
  try {
    show(step, await action());
  } catch (error) {
    show('error', { step, error: String(error), stack: error && error.stack });
  }
}

/** The owner-only resource, read as the signed-in user: a cross-origin request, so CORS has to let it through. */
async function readNotes(user) {
  const response = await fetch(new URL('/notes', authority), { headers: { Authorization: `Bearer ${user.access_token}` } });
  return { status: response.status, body: await response.json() };
}

const describeUser = async (user) => ({
  profile: user.profile,
  scope: user.scope,
  tokenType: user.token_type,
  accessToken: user.access_token,
  refreshToken: user.refresh_token,
  notes: await readNotes(user),
});

const onClick = (id, step, action) => document.getElementById(id)?.addEventListener('click', () => run(step, action));

onClick('sign-in', 'redirecting', () => userManager.signinRedirect());
onClick('refresh', 'refreshed', async () => describeUser(await userManager.signinSilent()));
onClick('sign-out', 'redirecting', () => userManager.signoutRedirect({ state: 'signed-out' }));

const query = new URLSearchParams(location.search);
if (location.pathname === '/callback.html') {
  run('signed-in', async () => describeUser(await userManager.signinRedirectCallback()));
} else if (query.has('state')) {
  // Back from the provider's end-session endpoint (post_logout_redirect_uri).
  run('signed-out', async () => ({ state: (await userManager.signoutRedirectCallback()).userState, user: await userManager.getUser() }));
}

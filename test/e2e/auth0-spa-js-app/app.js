// The single-page app of test/e2e/auth0-spa-js.test.ts, written as Auth0's quickstart has it: `domain` is the
// fake-jwt-api server started with --provider-paths auth0 (config.js, written by the test's static server, also
// says whether the app uses refresh tokens). Each step writes what it got into #result, as JSON, with data-step
// saying which step it was ('error' when one threw), for the test to read.
/* global document, location, window, auth0 */
'use strict';

const { domain, useRefreshTokens } = window.SPA_CONFIG;

function show(step, result) {
  const element = document.getElementById('result');
  element.textContent = JSON.stringify(result, null, 2);
  element.dataset.step = step;
}

async function run(step, action) {
  try {
    show(step, await action());
  } catch (error) {
    show('error', { step, error: String(error), code: error && error.error, stack: error && error.stack });
  }
}

/** The owner-only resource, read with the access token: a cross-origin request, so CORS has to let it through. */
async function readNotes(accessToken) {
  const response = await fetch(new URL('/notes', domain), { headers: { Authorization: `Bearer ${accessToken}` } });
  return { status: response.status, body: await response.json() };
}

async function describe(client, accessToken) {
  const user = await client.getUser();
  const claims = await client.getIdTokenClaims();
  return {
    isAuthenticated: await client.isAuthenticated(),
    user,
    iss: claims && claims.iss,
    accessToken,
    notes: accessToken && (await readNotes(accessToken)),
  };
}

async function start() {
  const client = await auth0.createAuth0Client({
    domain,
    clientId: 'auth0-spa',
    authorizationParams: { redirect_uri: `${location.origin}/index.html` },
    useRefreshTokens,
  });
  const onClick = (id, step, action) => document.getElementById(id).addEventListener('click', () => run(step, action));
  onClick('sign-in', 'redirecting', () => client.loginWithRedirect());
  onClick('token', 'token', async () => {
    const answer = await client.getTokenSilently({ cacheMode: 'off', detailedResponse: true });
    return { ...(await describe(client, answer.access_token)), idToken: answer.id_token };
  });
  onClick('sign-out', 'redirecting', () => client.logout({ logoutParams: { returnTo: `${location.origin}/index.html` } }));

  const query = new URLSearchParams(location.search);
  if (query.has('code') && query.has('state')) {
    await client.handleRedirectCallback();
    window.history.replaceState({}, '', '/index.html');
    return show('signed-in', await describe(client, await client.getTokenSilently()));
  }
  // A page load: createAuth0Client already tried a silent sign-in (checkSession) when the app believed it was signed in.
  const signedIn = await client.isAuthenticated();
  return show('loaded', await describe(client, signedIn ? await client.getTokenSilently() : undefined));
}

start().catch((error) => show('error', { step: 'start', error: String(error), code: error && error.error, stack: error && error.stack }));

/// <reference lib="dom" />
// (dom: the init script below runs in the page, with location and sessionStorage)
/**
 * Every test starts signed in, for an app that signs in with oidc-client-ts against fake-jwt-api's OpenID provider,
 * without its login page: each test signs in over HTTP (the authorization code flow with PKCE, the login form posted
 * with an APIRequestContext), then its browser context gets the provider's sign-in cookie, and the User that
 * oidc-client-ts would have stored, in sessionStorage before the app's first script runs.
 * A sign-in per test, not one shared by all: a test that refreshes (rotating the refresh token) or signs out cannot
 * sign the others out.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request, test as base, type APIRequestContext, type BrowserContext } from '@playwright/test';

export interface OidcAccount {
  /** The app's UserManager settings `authority`, exactly as written there: it is part of the storage key. */
  authority: string;
  /** Its `client_id`, `redirect_uri` and `scope`. */
  clientId: string;
  redirectUri: string;
  scope: string;
  email: string;
  password: string;
}

const random = () => randomBytes(32).toString('base64url');

/** Posts the provider's login form as a browser would: its CSRF field and cookie, from the provider's own origin. */
async function authorizationCode(api: APIRequestContext, endpoint: string, account: OidcAccount, codeChallenge: string) {
  const state = random();
  const parameters = {
    response_type: 'code',
    client_id: account.clientId,
    redirect_uri: account.redirectUri,
    scope: account.scope,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
    state,
    nonce: random(),
  };
  const loginPage = await api.get(endpoint, { params: parameters });
  const csrfToken = /name="csrf_token" value="([^"]+)"/.exec(await loginPage.text())?.[1];
  if (!csrfToken) throw new Error(`GET ${endpoint} answered ${loginPage.status()} without a login form`);
  const posted = await api.post(endpoint, {
    form: { ...parameters, csrf_token: csrfToken, email: account.email, password: account.password },
    headers: { origin: new URL(endpoint).origin },
    maxRedirects: 0,
  });
  const callback = new URL(posted.headers().location ?? '', account.redirectUri);
  const code = callback.searchParams.get('code');
  if (posted.status() !== 302 || !code || callback.searchParams.get('state') !== state)
    throw new Error(`signing in as ${account.email} answered ${posted.status()}: ${callback.searchParams.get('error_description') ?? (await posted.text())}`);
  return code;
}

/** The tokens of a fresh sign-in, as the User oidc-client-ts stores, and the cookies of the provider's sign-in. */
export async function signInOverHttp(account: OidcAccount) {
  const api = await request.newContext();
  try {
    const discovery = await (await api.get(new URL('/.well-known/openid-configuration', account.authority).href)).json();
    const codeVerifier = random();
    const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
    const code = await authorizationCode(api, discovery.authorization_endpoint, account, codeChallenge);
    const answer = await api.post(discovery.token_endpoint, {
      form: { grant_type: 'authorization_code', code, redirect_uri: account.redirectUri, client_id: account.clientId, code_verifier: codeVerifier },
    });
    if (!answer.ok()) throw new Error(`the token endpoint answered ${answer.status()}: ${await answer.text()}`);
    const tokens = await answer.json();
    // oidc-client-ts's User.toStorageString(); the profile is the ID token's claims, as the library keeps them.
    const user = {
      id_token: tokens.id_token,
      session_state: null,
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token,
      token_type: tokens.token_type,
      scope: tokens.scope,
      profile: JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString()),
      expires_at: Math.floor(Date.now() / 1000) + tokens.expires_in,
    };
    const { cookies } = await api.storageState(); // the provider's sign-in (fake_jwt_api_op), on the provider's origin
    return { user, cookies, storageKey: `oidc.user:${account.authority}:${account.clientId}` };
  } finally {
    await api.dispose();
  }
}

/** Signs in over HTTP and gives the context that sign-in: each page of the app's origin starts with the user. */
export async function startSignedIn(context: BrowserContext, account: OidcAccount) {
  const { user, cookies, storageKey } = await signInOverHttp(account);
  await context.addCookies(cookies);
  // Once per tab (sessionStorage lives as long as the tab), so that a sign-out in the test stays signed out.
  const seed = { origin: new URL(account.redirectUri).origin, storageKey, user: JSON.stringify(user) };
  await context.addInitScript(({ origin, storageKey, user }) => {
    if (location.origin !== origin || sessionStorage.getItem('signed-in-by-playwright')) return;
    sessionStorage.setItem('signed-in-by-playwright', 'yes');
    sessionStorage.setItem(storageKey, user);
  }, seed);
  return user;
}

export const ALICE: OidcAccount = {
  authority: 'http://localhost:3001',
  clientId: 'my-spa',
  redirectUri: 'http://localhost:5173/callback.html',
  scope: 'openid profile email offline_access',
  email: 'alice@example.com',
  password: 'alice123',
};

/** `import { test, expect } from './oidc-signed-in'` in a spec: its pages open signed in, as Alice unless `test.use({ account })`. */
export const test = base.extend<{ account: OidcAccount }>({
  account: [ALICE, { option: true }],
  context: async ({ context, account }, use) => {
    await startSignedIn(context, account);
    await use(context);
  },
});
export { expect } from '@playwright/test';

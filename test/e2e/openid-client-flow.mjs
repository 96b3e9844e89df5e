// A real relying party, in its own process: openid-client 6 (ESM-only) runs the authorization code flow with PKCE
// against the server, as a BFF would. The login form is filled and posted as a browser without JavaScript would
// (its hidden fields, its CSRF cookie). Usage: node openid-client-flow.mjs <server url> <email> <password>
// → JSON: what each step gave, for the test to check.
import * as client from 'openid-client';

const [server, email, password] = process.argv.slice(2);
const redirectUri = 'http://127.0.0.1:5173/callback';
const config = await client.discovery(new URL(server), 'my-spa', undefined, client.None(), { execute: [client.allowInsecureRequests] });

const codeVerifier = client.randomPKCECodeVerifier();
const nonce = client.randomNonce();
const state = client.randomState();
const authorizationUrl = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri,
  scope: 'openid email profile offline_access',
  code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
  code_challenge_method: 'S256',
  nonce,
  state,
});

/** The login page's form, submitted with the email and password: where the server then redirects. */
async function logIn(url) {
  const page = await fetch(url, { redirect: 'manual' });
  const html = await page.text();
  const cookies = page.headers.getSetCookie().map((cookie) => cookie.split(';')[0]);
  const form = html.match(/<form[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i)?.[0];
  if (!form) throw new Error(`no login form on ${url}: ${page.status} ${html.slice(0, 300)}`);
  const action = new URL(form.match(/action="([^"]*)"/)?.[1]?.replace(/&amp;/g, '&') ?? url, url);
  const fields = new URLSearchParams();
  for (const [, name, value] of form.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g))
    fields.set(
      name,
      value
        .replace(/&amp;/g, '&')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>'),
    );
  fields.set('email', email);
  fields.set('password', password);
  const posted = await fetch(action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.join('; '), origin: new URL(server).origin },
    body: fields,
  });
  if (posted.status !== 302) throw new Error(`the login answered ${posted.status}: ${(await posted.text()).slice(0, 300)}`);
  return new URL(posted.headers.get('location'));
}

const callback = await logIn(authorizationUrl);
const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: codeVerifier, expectedNonce: nonce, expectedState: state });
const claims = tokens.claims();
const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
const ownNotes = await fetch(new URL('/notes', server), { headers: { authorization: `Bearer ${refreshed.access_token}` } });

process.stdout.write(
  JSON.stringify({
    issuer: config.serverMetadata().issuer,
    callback: { origin: callback.origin, pathname: callback.pathname, state: callback.searchParams.get('state'), iss: callback.searchParams.get('iss') },
    claims,
    scope: tokens.scope,
    tokenType: tokens.token_type,
    hasRefreshToken: typeof tokens.refresh_token === 'string',
    userinfo,
    refreshed: { rotated: refreshed.refresh_token !== tokens.refresh_token, idTokenSub: refreshed.claims()?.sub },
    notes: { status: ownNotes.status, body: await ownNotes.json() },
  }),
);

/**
 * --provider-paths auth0 and response_mode=web_message through the whole server (README "Use it as your OpenID
 * provider"): Auth0's paths (/authorize, /oauth/token, /userinfo, /v2/logout) answer as the /auth endpoints do and
 * keep their checks, the issuer ends with '/', the provider's sign-in cookie reaches them, a db.json resource that
 * would hide them stops the start; a web_message answer is a page that posts the code (or the error) to the
 * redirect URI's origin only, and may be framed by that origin alone.
 */
import { createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { SAMPLE_DB, SAMPLE_FILES, SAMPLE_LOGINS, useServer } from '../support';

/** alice (id 2) and bob (id 3) each own a note; routes.json below makes the notes owner-only (600). */
const NOTES = [
  { id: 1, text: "alice's note", userId: 2 },
  { id: 2, text: "bob's note", userId: 3 },
];
const { serve, project } = useServer({ files: { ...SAMPLE_FILES, 'db.json': { ...SAMPLE_DB, notes: NOTES } } });
const AUTH0 = { providerPaths: 'auth0', routes: { notes: 600 } } as const;

type App = Parameters<typeof request>[0];
const CLIENT = 'my-spa';
const REDIRECT = 'http://localhost:5173/callback';
const APP_ORIGIN = 'http://localhost:5173';
const AFTER = 'http://localhost:5173/signed-out';
/** The server as the browser addresses it: its forms post with this Origin, and the issuer is named after it. */
const HOST = 'localhost:3000';
const ORIGIN = `http://${HOST}`;
const verifier = randomBytes(32).toString('base64url');

/** An authorization request at `path`, as @auth0/auth0-spa-js sends it (auth0Client included), plus `extra`. */
const authorizeUrl = (path: string, extra: Record<string, string> = {}) =>
  `${path}?${new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT,
    redirect_uri: REDIRECT,
    scope: 'openid profile email offline_access',
    state: 'st-1',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    auth0Client: Buffer.from(JSON.stringify({ name: 'auth0-spa-js', version: '2.1.3' })).toString('base64'),
    ...extra,
  })}`;

const cookiesOf = (response: request.Response) => ([] as string[]).concat(response.headers['set-cookie'] ?? []);
const cookieNamed = (response: request.Response, name: string) => cookiesOf(response).find((cookie) => cookie.startsWith(`${name}=`));
const cookieValue = (response: request.Response, name: string) => cookieNamed(response, name)?.split(';')[0];
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const hiddenFields = (html: string) =>
  Object.fromEntries(
    [...html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map(([, name, value]) => [
      name,
      value.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]),
    ]),
  );

const get = (app: App, path: string, cookie = '') => request(app).get(path).set('Host', HOST).set('Cookie', cookie);

/** The login form of `page` posted with alice's password, as the browser posts it (to /auth/authorize). */
const postLoginForm = (app: App, page: request.Response, { email, password } = SAMPLE_LOGINS.alice) =>
  request(app)
    .post('/auth/authorize')
    .set(
      'Cookie',
      cookiesOf(page).map((cookie) => cookie.split(';')[0]),
    )
    .set('Host', HOST)
    .set('Origin', ORIGIN)
    .type('form')
    .send({ ...hiddenFields(page.text), email, password });

const exchange = (code: string) => ({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: CLIENT, code_verifier: verifier });

/** The login form at /authorize, posted: the code and the browser's provider cookie. */
async function codeFromLoginForm(app: App): Promise<{ code: string; providerCookie: string; posted: request.Response }> {
  const page = await get(app, authorizeUrl('/authorize')).expect(200);
  expect(page.text).toMatch(/type="password"/);
  const posted = await postLoginForm(app, page).expect(302);
  const location = new URL(posted.headers.location);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  expect(location.searchParams.get('state')).toBe('st-1');
  return { code: location.searchParams.get('code')!, providerCookie: cookieValue(posted, 'fake_jwt_api_op')!, posted };
}

/** The whole code flow through Auth0's paths: what an app and the browser hold afterwards. */
async function signIn(app: App) {
  const { code, providerCookie } = await codeFromLoginForm(app);
  const tokens = (await request(app).post('/oauth/token').set('Host', HOST).type('form').send(exchange(code)).expect(200)).body;
  return { providerCookie, tokens: tokens as { access_token: string; refresh_token: string; id_token: string } };
}

const bearer = (app: App, path: string, accessToken: string) => get(app, path).set('Authorization', `Bearer ${accessToken}`);

/** The ID token's signature checked with the key of the server's JWKS that its `kid` names (node:crypto, no jose). */
async function verifiedClaims(app: App, idToken: string): Promise<jwt.JwtPayload> {
  const { header } = jwt.decode(idToken, { complete: true })!;
  const { keys } = (await get(app, '/.well-known/jwks.json').expect(200)).body as { keys: Array<{ kid: string }> };
  const jwk = keys.find((key) => key.kid === header.kid);
  expect(jwk).toBeDefined();
  const publicKey = createPublicKey({ key: jwk as never, format: 'jwk' });
  return jwt.verify(idToken, publicKey, { algorithms: [header.alg as jwt.Algorithm] }) as jwt.JwtPayload;
}

describe('discovery', () => {
  it('under the preset: the issuer ends with "/", the endpoints are Auth0\'s paths', async () => {
    const { app } = await serve(AUTH0);
    const discovery = (await get(app, '/.well-known/openid-configuration').expect(200)).body;
    expect(discovery).toMatchObject({
      issuer: `${ORIGIN}/`,
      authorization_endpoint: `${ORIGIN}/authorize`,
      token_endpoint: `${ORIGIN}/oauth/token`,
      userinfo_endpoint: `${ORIGIN}/userinfo`,
      end_session_endpoint: `${ORIGIN}/v2/logout`,
    });
    expect(discovery.response_modes_supported).toContain('web_message');
  });

  it('without the preset: unchanged', async () => {
    const { app } = await serve();
    const discovery = (await get(app, '/.well-known/openid-configuration').expect(200)).body;
    expect(discovery).toMatchObject({
      issuer: ORIGIN,
      authorization_endpoint: `${ORIGIN}/auth/authorize`,
      token_endpoint: `${ORIGIN}/auth/token`,
      userinfo_endpoint: `${ORIGIN}/auth/userinfo`,
      end_session_endpoint: `${ORIGIN}/auth/end-session`,
    });
  });
});

describe('the code flow through the Auth0 paths', () => {
  it('login form, code, tokens from /oauth/token, an ID token issued by "http://localhost:3000/", /userinfo, owner-only data', async () => {
    const { app } = await serve(AUTH0);
    const { tokens } = await signIn(app);
    const claims = await verifiedClaims(app, tokens.id_token);
    expect(claims).toMatchObject({ iss: `${ORIGIN}/`, aud: CLIENT, sub: '2', email: 'alice@example.com' });
    expect((await bearer(app, '/userinfo', tokens.access_token).expect(200)).body).toMatchObject({ sub: '2', email: 'alice@example.com' });
    expect((await bearer(app, '/notes', tokens.access_token).expect(200)).body).toEqual([NOTES[0]]);
    await bearer(app, '/notes/2', tokens.access_token).expect(403);
    await get(app, '/notes').expect(401);
  });

  it('/oauth/token takes the exchange as JSON too, as auth0-spa-js sends it', async () => {
    const { app } = await serve(AUTH0);
    const { code } = await codeFromLoginForm(app);
    const tokens = (await request(app).post('/oauth/token').set('Host', HOST).send(exchange(code)).expect('Content-Type', /json/).expect(200)).body;
    expect(jwt.decode(tokens.id_token)).toMatchObject({ iss: `${ORIGIN}/` });
    await bearer(app, '/auth/me', tokens.access_token).expect(200);
  });

  it('a refresh at /oauth/token gives an access token that still opens the data', async () => {
    const { app } = await serve(AUTH0);
    const { tokens } = await signIn(app);
    const refreshed = (
      await request(app)
        .post('/oauth/token')
        .set('Host', HOST)
        .send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: CLIENT })
        .expect(200)
    ).body;
    expect((await bearer(app, '/notes', refreshed.access_token).expect(200)).body).toEqual([NOTES[0]]);
  });
});

/** The access token of `tokens` with another `iss`, signed with the server's own key (from its state folder). */
function withIssuer(accessToken: string, iss: string): string {
  const { header, payload } = jwt.decode(accessToken, { complete: true })!;
  const [ours] = JSON.parse(readFileSync(project.file('.fake-jwt-api/keys.json'), 'utf8')).keys;
  return jwt.sign({ ...(payload as object), iss }, createPrivateKey(ours.privateKey), { algorithm: header.alg as jwt.Algorithm, header });
}

it('under the preset a token of the same origin is accepted with or without the slash, and no other', async () => {
  const { app } = await serve(AUTH0);
  const { tokens } = await signIn(app);
  expect(jwt.decode(tokens.access_token)).toMatchObject({ iss: `${ORIGIN}/` });
  await bearer(app, '/auth/me', withIssuer(tokens.access_token, ORIGIN)).expect(200);
  for (const iss of [`${ORIGIN}//`, `${ORIGIN}/auth`, 'https://evil.example/', `HTTP://${HOST}/`]) {
    const response = await bearer(app, '/auth/me', withIssuer(tokens.access_token, iss));
    expect({ iss, status: response.status }).toEqual({ iss, status: 401 });
  }
});

describe('/v2/logout', () => {
  const logout = (app: App, query: string, cookie: string) => get(app, `/v2/logout?${query}`, cookie);

  it('without a hint: the confirmation page, not a redirect, and nothing ends yet', async () => {
    const { app } = await serve(AUTH0);
    const { providerCookie, tokens } = await signIn(app);
    const response = await logout(app, new URLSearchParams({ client_id: CLIENT, returnTo: AFTER }).toString(), providerCookie);
    expect(response.status).toBe(200);
    expect(response.headers.location).toBeUndefined();
    expect(response.text).toMatch(/Sign out of <code>/);
    // returnTo became the standard parameter: the form sends it back as post_logout_redirect_uri.
    expect(hiddenFields(response.text)).toMatchObject({ post_logout_redirect_uri: AFTER });
    await bearer(app, '/auth/me', tokens.access_token).expect(200);
  });

  it('with id_token_hint: back to returnTo, the session ended (its access token refused); federated does no harm', async () => {
    const { app } = await serve(AUTH0);
    const { providerCookie, tokens } = await signIn(app);
    const query = new URLSearchParams({ client_id: CLIENT, returnTo: AFTER, id_token_hint: tokens.id_token, federated: '' }).toString();
    const response = await logout(app, query, providerCookie);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(AFTER);
    await bearer(app, '/auth/me', tokens.access_token).expect(401);
    await bearer(app, '/userinfo', tokens.access_token).expect(401);
    // The provider session went too: the next /authorize asks for the password.
    expect((await get(app, authorizeUrl('/authorize'), providerCookie).expect(200)).text).toMatch(/type="password"/);
  });

  it('a foreign returnTo: the 400 error page, never a redirect, and nothing ends', async () => {
    const { app } = await serve(AUTH0);
    const { providerCookie, tokens } = await signIn(app);
    for (const hint of [{}, { id_token_hint: tokens.id_token }] as Array<Record<string, string>>) {
      const response = await logout(app, new URLSearchParams({ client_id: CLIENT, returnTo: 'https://evil.example/bye', ...hint }).toString(), providerCookie);
      expect({ status: response.status, location: response.headers.location }).toEqual({ status: 400, location: undefined });
      expect(response.headers['content-type']).toMatch(/^text\/html/);
    }
    await bearer(app, '/auth/me', tokens.access_token).expect(200);
  });

  it('returnTo given twice is refused, even when both are ours', async () => {
    const { app } = await serve(AUTH0);
    const { providerCookie, tokens } = await signIn(app);
    const query = `${new URLSearchParams({ client_id: CLIENT, id_token_hint: tokens.id_token })}&returnTo=${encodeURIComponent(AFTER)}&returnTo=${encodeURIComponent(REDIRECT)}`;
    const response = await logout(app, query, providerCookie);
    expect({ status: response.status, location: response.headers.location }).toEqual({ status: 400, location: undefined });
    await bearer(app, '/auth/me', tokens.access_token).expect(200);
  });
});

describe('the aliases keep the checks of the endpoints they stand for', () => {
  it('/oauth/token with a foreign Origin is refused exactly as /auth/token is', async () => {
    const { app } = await serve(AUTH0);
    const { code } = await codeFromLoginForm(app);
    const post = (path: string) => request(app).post(path).set('Host', HOST).set('Origin', 'https://evil.example').type('form').send(exchange(code));
    const standard = await post('/auth/token');
    expect(standard.status).toBe(403);
    const alias = await post('/oauth/token');
    expect({ status: alias.status, body: alias.body }).toEqual({ status: standard.status, body: standard.body });
    // Neither spent the code: from the app's own origin it still buys tokens.
    await request(app).post('/oauth/token').set('Host', HOST).set('Origin', APP_ORIGIN).type('form').send(exchange(code)).expect(200);
  });

  it('any letter case and one trailing slash: /OAuth/Token/ is the token endpoint', async () => {
    const { app } = await serve(AUTH0);
    const { code } = await codeFromLoginForm(app);
    const tokens = (await request(app).post('/OAuth/Token/').set('Host', HOST).type('form').send(exchange(code)).expect(200)).body;
    expect(tokens.access_token).toEqual(expect.any(String));
  });

  it('/oauth/token/extra is not the token endpoint', async () => {
    const { app } = await serve(AUTH0);
    const { code } = await codeFromLoginForm(app);
    const response = await request(app).post('/oauth/token/extra').set('Host', HOST).type('form').send(exchange(code));
    expect(response.status).toBe(404);
    expect(response.body.access_token).toBeUndefined();
    // The code was not spent there.
    await request(app).post('/oauth/token').set('Host', HOST).type('form').send(exchange(code)).expect(200);
  });

  it('without the preset, /oauth/token is no endpoint', async () => {
    const { app } = await serve();
    await request(app).post('/oauth/token').set('Host', HOST).type('form').send(exchange('x')).expect(404);
  });
});

describe('the provider cookies', () => {
  it('under the preset go to /auth, /authorize and /v2/logout (never Path=/, which every port of the host gets), so a second /authorize skips the form', async () => {
    const { app } = await serve(AUTH0);
    const page = await get(app, authorizeUrl('/authorize')).expect(200);
    expect(cookieNamed(page, 'fake_jwt_api_csrf')).toMatch(/; Path=\/auth;/);
    const { posted, providerCookie } = await codeFromLoginForm(app);
    const paths = ([] as string[])
      .concat(posted.headers['set-cookie'] ?? [])
      .filter((cookie) => cookie.startsWith('fake_jwt_api_op='))
      .map((cookie) => /; Path=([^;]+);/.exec(cookie)?.[1]);
    expect(paths).toEqual(['/auth', '/authorize', '/v2/logout']);
    const again = await get(app, authorizeUrl('/authorize'), providerCookie).expect(302);
    expect(new URL(again.headers.location).searchParams.get('code')).toMatch(/\S/);
  });

  it('without the preset go to Path=/auth', async () => {
    const { app } = await serve();
    const page = await get(app, authorizeUrl('/auth/authorize')).expect(200);
    expect(cookieNamed(page, 'fake_jwt_api_csrf')).toMatch(/; Path=\/auth;/);
    const posted = await postLoginForm(app, page).expect(302);
    expect(cookieNamed(posted, 'fake_jwt_api_op')).toMatch(/; Path=\/auth;/);
  });
});

describe('the start', () => {
  it.each(['v2', 'oauth', 'Authorize'])(
    'a db.json resource "%s" stops it under the preset (ERR_OPTION, naming it); without the preset it starts',
    async (name) => {
      project.write('db.json', { ...SAMPLE_DB, [name]: [{ id: 1 }] });
      const routes = { [`/${name}`]: { read: 'public' } };
      // The message names the path as the preset spells it (lower case), whatever the resource's case.
      await expect(serve({ ...AUTH0, routes })).rejects.toMatchObject({ code: 'ERR_OPTION', message: expect.stringMatching(new RegExp(`"${name}"`, 'i')) });
      expect((await get((await serve({ routes })).app, `/${name}`).expect(200)).body).toEqual([{ id: 1 }]);
    },
  );

  it('with HS256, /authorize answers 404 saying the provider needs a key pair', async () => {
    const { app } = await serve({ ...AUTH0, secret: 's'.repeat(32) });
    for (const path of ['/authorize', '/oauth/token', '/userinfo', '/v2/logout']) {
      const response = await get(app, authorizeUrl(path));
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.body.message).toMatch(/needs a key pair/);
    }
  });
});

describe('response_mode=web_message', () => {
  const WEB_MESSAGE = { response_mode: 'web_message' };
  const SILENT = { ...WEB_MESSAGE, prompt: 'none' };

  /** The page's one script: its nonce, the message it posts and the origin it posts it to. */
  function postedMessage(page: request.Response) {
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers.location).toBeUndefined();
    expect(page.text.match(/<script/g)).toHaveLength(1);
    const [, nonce, message, target] = /<script nonce="([^"]+)">\(window\.opener \|\| window\.parent\)\.postMessage\((.*), ("[^"]*")\);<\/script>/.exec(
      page.text,
    )!;
    return { nonce, message: JSON.parse(message), target: JSON.parse(target) as string };
  }

  function expectFramableByTheApp(page: request.Response, nonce: string) {
    const csp = page.headers['content-security-policy'];
    expect(csp).toMatch(new RegExp(`frame-ancestors ${APP_ORIGIN}(;|$)`));
    expect(csp).not.toMatch(/frame-ancestors 'none'/);
    expect(csp).toContain(`script-src 'nonce-${nonce}'`);
    expect(page.headers['x-frame-options']).toBeUndefined();
    expect(page.headers['cache-control']).toBe('no-store');
  }

  it('prompt=none without a session: a page posting login_required and the state to the app origin, and no redirect', async () => {
    const { app } = await serve(AUTH0);
    const page = await get(app, authorizeUrl('/auth/authorize', SILENT));
    const { nonce, message, target } = postedMessage(page);
    expect(target).toBe(APP_ORIGIN);
    expect(message).toEqual({
      type: 'authorization_response',
      response: { error: 'login_required', error_description: expect.any(String), state: 'st-1', iss: `${ORIGIN}/` },
    });
    expectFramableByTheApp(page, nonce);
  });

  it('prompt=none with a session: the code in the page, exchangeable at /auth/token', async () => {
    const { app } = await serve(AUTH0);
    const { providerCookie } = await codeFromLoginForm(app);
    const page = await get(app, authorizeUrl('/auth/authorize', SILENT), providerCookie);
    const { nonce, message, target } = postedMessage(page);
    expect(target).toBe(APP_ORIGIN);
    expect(message).toEqual({ type: 'authorization_response', response: { code: expect.any(String), state: 'st-1', iss: `${ORIGIN}/` } });
    expectFramableByTheApp(page, nonce);
    const tokens = (await request(app).post('/auth/token').set('Host', HOST).type('form').send(exchange(message.response.code)).expect(200)).body;
    await bearer(app, '/auth/me', tokens.access_token).expect(200);
  });

  it('the same without the preset, at the standard issuer', async () => {
    const { app } = await serve();
    const { message } = postedMessage(await get(app, authorizeUrl('/auth/authorize', SILENT)));
    expect(message.response).toMatchObject({ error: 'login_required', iss: ORIGIN });
  });

  it('the login page it shows is never framed; its form carries response_mode and answers with the page', async () => {
    const { app } = await serve(AUTH0);
    const login = await get(app, authorizeUrl('/authorize', WEB_MESSAGE)).expect(200);
    expect(login.text).toMatch(/type="password"/);
    expect(login.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(login.headers['x-frame-options']).toBe('DENY');
    expect(hiddenFields(login.text)).toMatchObject({ response_mode: 'web_message' });
    const posted = await postLoginForm(app, login);
    const { nonce, message, target } = postedMessage(posted);
    expect(target).toBe(APP_ORIGIN);
    expect(message.response).toEqual({ code: expect.any(String), state: 'st-1', iss: `${ORIGIN}/` });
    expectFramableByTheApp(posted, nonce);
    expect(cookieNamed(posted, 'fake_jwt_api_op')).toMatch(/; Path=\/auth;/); // and /authorize, /v2/logout: see the cookies' test
    await request(app).post('/oauth/token').set('Host', HOST).send(exchange(message.response.code)).expect(200);
  });

  it('a state that tries to close the script stays inside it, as data', async () => {
    const { app } = await serve(AUTH0);
    const hostile = '</script><script>alert(1)</script>\u2028"\'';
    const page = await get(app, authorizeUrl('/auth/authorize', { ...SILENT, state: hostile }));
    expect(page.text).not.toContain('</script><script>');
    expect(page.text).not.toContain('alert(1)</script>');
    expect(postedMessage(page).message.response.state).toBe(hostile);
  });

  it('an error the app must hear (code_challenge_method=plain) goes back by the page too; a bad redirect URI is still the error page', async () => {
    const { app } = await serve(AUTH0);
    const { message } = postedMessage(await get(app, authorizeUrl('/auth/authorize', { ...WEB_MESSAGE, code_challenge_method: 'plain' })));
    expect(message.response).toMatchObject({ error: 'invalid_request', state: 'st-1' });
    const refused = await get(app, authorizeUrl('/auth/authorize', { ...SILENT, redirect_uri: 'https://evil.example/callback' }));
    expect(refused.status).toBe(400);
    expect(refused.text).not.toContain('postMessage');
  });
});

/**
 * What the red team found in the OpenID provider, each as several shapes: a provider sign-in that outlived the
 * account's logout everywhere and password change, parameters big enough to fill the memory through codes, a login
 * CSRF from another port of localhost (whose pages may plant this host's cookies), and a code used twice at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { SAMPLE_LOGINS, useServer } from '../support';

const { serve } = useServer();
const CLIENTS = [{ id: 'bff', secret: 'a-long-client-secret-value', accessTtl: '60s' }];
const HOST = 'localhost:3000';
const OWN_ORIGIN = `http://${HOST}`;
const REDIRECT = 'http://localhost:5173/callback';
const verifier = randomBytes(32).toString('base64url');
const authorizeQuery = (extra: Record<string, string> = {}) =>
  `/auth/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: 'my-spa',
    redirect_uri: REDIRECT,
    scope: 'openid email offline_access',
    state: 's1',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  })}`;

type App = Parameters<typeof request>[0];
const cookiesOf = (response: request.Response) => ([] as string[]).concat(response.headers['set-cookie'] ?? []).map((cookie) => cookie.split(';')[0]);
const hiddenFields = (html: string) =>
  Object.fromEntries(
    [...html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map(([, name, value]) => [name, value.replace(/&amp;/g, '&')]),
  );

/** The login form posted with alice's password from `origin`: the answer, and the cookies the browser then holds. */
async function postLogin(app: App, origin: string | undefined, query = authorizeQuery()) {
  const page = await request(app).get(query).set('Host', HOST).expect(200);
  const cookies = cookiesOf(page);
  let post = request(app).post('/auth/authorize').set('Host', HOST).set('Cookie', cookies.join('; ')).type('form');
  if (origin !== undefined) post = post.set('Origin', origin);
  const response = await post.send({ ...hiddenFields(page.text), ...SAMPLE_LOGINS.alice });
  return { response, cookies: [...cookies, ...cookiesOf(response)] };
}

const codeOf = (response: request.Response) => new URL(response.headers.location).searchParams.get('code')!;
const exchange = (app: App, code: string) =>
  request(app)
    .post('/auth/token')
    .type('form')
    .send({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'my-spa', code_verifier: verifier });
/** Whether the browser's provider session still skips the form: a 302 with a code, or the form again. */
const skipsTheForm = async (app: App, cookies: string[]) =>
  (await request(app).get(authorizeQuery()).set('Host', HOST).set('Cookie', cookies.join('; '))).status === 302;

describe('a provider sign-in ends with the account’s sessions', () => {
  it.each([
    ['logout everywhere', (app: App, token: string) => request(app).post('/auth/logout-all').set('Authorization', `Bearer ${token}`).expect(204)],
    [
      'a password change',
      (app: App, token: string) =>
        request(app)
          .post('/auth/password')
          .set('Authorization', `Bearer ${token}`)
          .send({ currentPassword: SAMPLE_LOGINS.alice.password, newPassword: 'a-new-password-1' })
          .expect(204),
    ],
  ])('%s (from another device) signs the browser out of the provider', async (_, endEverywhere) => {
    const { app } = await serve();
    const stolen = await postLogin(app, OWN_ORIGIN);
    expect(stolen.response.status).toBe(302);
    expect(await skipsTheForm(app, stolen.cookies)).toBe(true);
    const victim = (await request(app).post('/auth/login').send(SAMPLE_LOGINS.alice).expect(200)).body.accessToken as string;
    await endEverywhere(app, victim);
    expect(await skipsTheForm(app, stolen.cookies)).toBe(false);
  });
});

describe('the login form is this server’s page: a post from any other origin signs nobody in', () => {
  it.each([
    ['another port of localhost', 'http://localhost:5173'],
    ['127.0.0.1 for localhost', 'http://127.0.0.1:3000'],
    ['Origin null', 'null'],
    ['no Origin at all', undefined],
  ])('%s', async (_, origin) => {
    const { app } = await serve();
    const { response } = await postLogin(app, origin);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.headers.location).toBeUndefined();
    expect(cookiesOf(response).some((cookie) => cookie.startsWith('fake_jwt_api_op='))).toBe(false);
  });

  it('a planted CSRF cookie with a longer path does not help a post from another port', async () => {
    const { app } = await serve();
    const page = await request(app).get(authorizeQuery()).set('Host', HOST).expect(200);
    const planted = 'A'.repeat(43);
    const response = await request(app)
      .post('/auth/authorize')
      .set('Host', HOST)
      .set('Origin', 'http://localhost:5173')
      .set('Cookie', `fake_jwt_api_csrf=${planted}`)
      .type('form')
      .send({ ...hiddenFields(page.text), csrf_token: planted, ...SAMPLE_LOGINS.alice });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.headers.location).toBeUndefined();
  });
});

describe('round two', () => {
  it('the login form posted through a TLS-terminating proxy or tunnel (an https page, an http server) signs in', async () => {
    const { app } = await serve();
    const { response } = await postLogin(app, 'https://localhost:3000');
    expect(response.status).toBe(302);
    expect(codeOf(response)).toEqual(expect.any(String));
  });

  it('one account minting thousands of codes cannot push out another account’s pending code', async () => {
    const { app } = await serve();
    const admin = (await postLogin(app, OWN_ORIGIN, authorizeQuery())).response;
    const adminCode = codeOf(admin);
    // alice signs in, then her provider session mints codes without a password
    const alice = await (async () => {
      const page = await request(app).get(authorizeQuery()).set('Host', HOST).expect(200);
      const cookies = cookiesOf(page);
      const posted = await request(app)
        .post('/auth/authorize')
        .set('Host', HOST)
        .set('Origin', OWN_ORIGIN)
        .set('Cookie', cookies.join('; '))
        .type('form')
        .send({ ...hiddenFields(page.text), ...SAMPLE_LOGINS.bob });
      return [...cookies, ...cookiesOf(posted)];
    })();
    for (let minted = 0; minted < 60; minted++) await request(app).get(authorizeQuery()).set('Host', HOST).set('Cookie', alice.join('; ')).expect(302);
    expect((await exchange(app, adminCode)).status).toBe(200);
  });

  it('end session parameters and the login email are bounded too', async () => {
    const { app } = await serve();
    const endSession = await request(app)
      .get(`/auth/end-session?${new URLSearchParams({ state: 's'.repeat(3000), post_logout_redirect_uri: REDIRECT })}`)
      .set('Host', HOST);
    expect(endSession.status).toBe(400);
    expect(endSession.text.length).toBeLessThan(10_000);
    const page = await request(app).get(authorizeQuery()).set('Host', HOST).expect(200);
    const login = await request(app)
      .post('/auth/authorize')
      .set('Host', HOST)
      .set('Origin', OWN_ORIGIN)
      .set('Cookie', cookiesOf(page).join('; '))
      .type('form')
      .send({ ...hiddenFields(page.text), email: `${'e'.repeat(50_000)}@example.com`, password: 'x' });
    expect(login.status).toBe(401);
    expect(login.text.length).toBeLessThan(20_000);
  });
});

describe('round three: a provider refresh token is its client’s only', () => {
  /** A code for `clientId` through the login form, exchanged (with the secret when given): the token answer. */
  async function tokensFor(app: App, clientId: string, secret?: string) {
    const { response } = await postLogin(app, OWN_ORIGIN, authorizeQuery({ client_id: clientId }));
    const exchanged = request(app)
      .post('/auth/token')
      .type('form')
      .send({
        grant_type: 'authorization_code',
        code: codeOf(response),
        redirect_uri: REDIRECT,
        client_id: clientId,
        code_verifier: verifier,
        ...(secret ? { client_secret: secret } : {}),
      });
    return (await exchanged.expect(200)).body as { refresh_token: string; expires_in: number };
  }

  it.each([
    ['a confidential client', 'bff', CLIENTS[0].secret],
    ['a public client', 'my-spa', undefined],
  ])('of %s, /auth/refresh refuses it (no secret, grants or lifetime skipped)', async (_, clientId, secret) => {
    const { app } = await serve({ clients: CLIENTS });
    const tokens = await tokensFor(app, clientId, secret);
    const refreshed = await request(app).post('/auth/refresh').send({ refreshToken: tokens.refresh_token });
    expect({ status: refreshed.status, error: refreshed.body.error }).toEqual({ status: 401, error: 'invalid_grant' });
    // not spent: the client itself still refreshes at /auth/token
    await request(app)
      .post('/auth/token')
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: clientId, ...(secret ? { client_secret: secret } : {}) })
      .expect(200);
  });

  it('after a restart, the session still knows its client: no client_id, another one, or no secret is refused', async () => {
    const first = await serve({ clients: CLIENTS });
    const tokens = await tokensFor(first.app, 'bff', CLIENTS[0].secret);
    expect(tokens.expires_in).toBe(60);
    await first.close();
    const { app } = await serve({ clients: CLIENTS });
    const refresh = (fields: Record<string, string>) =>
      request(app)
        .post('/auth/token')
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...fields });
    expect((await refresh({})).body.error).toBe('invalid_request');
    expect((await refresh({ client_id: 'my-spa' })).body.error).toBe('invalid_grant');
    expect((await refresh({ client_id: 'bff' })).status).toBe(401);
    const renewed = await refresh({ client_id: 'bff', client_secret: CLIENTS[0].secret }).expect(200);
    expect(renewed.body.expires_in).toBe(60);
  });
});

describe('parameters are bounded', () => {
  it.each(['nonce', 'state', 'login_hint', 'scope'])('a %s over 2048 characters is an error sent back, without the code', async (name) => {
    const { app } = await serve();
    const response = await request(app)
      .get(authorizeQuery({ [name]: `openid ${'x'.repeat(2100)}` }))
      .set('Host', HOST);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.location);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('code')).toBeNull();
    expect(response.headers.location.length).toBeLessThan(3000);
  });

  it('a huge nonce in a JSON post of the form issues no code', async () => {
    const { app } = await serve();
    const page = await request(app).get(authorizeQuery()).set('Host', HOST).expect(200);
    const response = await request(app)
      .post('/auth/authorize')
      .set('Host', HOST)
      .set('Origin', OWN_ORIGIN)
      .set('Cookie', cookiesOf(page).join('; '))
      .send({ ...hiddenFields(page.text), nonce: 'n'.repeat(1_000_000), ...SAMPLE_LOGINS.alice });
    expect(response.headers.location ? new URL(response.headers.location).searchParams.get('code') : null).toBeNull();
  });
});

it('a code used twice at once: one exchange wins, and what it got is revoked', async () => {
  const { app } = await serve();
  const { response } = await postLogin(app, OWN_ORIGIN);
  const code = codeOf(response);
  const [first, second] = await Promise.all([exchange(app, code), exchange(app, code)]);
  const winner = [first, second].find((each) => each.status === 200);
  expect([first.status, second.status].sort()).toEqual(winner ? [200, 400] : [400, 400]);
  if (winner) await request(app).get('/auth/me').set('Authorization', `Bearer ${winner.body.access_token}`).expect(401);
});

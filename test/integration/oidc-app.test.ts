/**
 * The OpenID provider wired into the server (README "Use it as your OpenID provider"): discovery names its
 * endpoints, the code flow runs through the whole pipeline (the auth origin gate included), reset() forgets codes
 * and provider sessions, and with HS256 the endpoints say how to get them.
 */
import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { SAMPLE_LOGINS, useServer } from '../support';

const { serve } = useServer();
const REDIRECT = 'http://localhost:5173/callback';
const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');
const AUTHORIZE = `/auth/authorize?${new URLSearchParams({
  response_type: 'code',
  client_id: 'my-spa',
  redirect_uri: REDIRECT,
  scope: 'openid email',
  state: 's1',
  code_challenge: challenge,
  code_challenge_method: 'S256',
})}`;

const hiddenFields = (html: string) =>
  Object.fromEntries(
    [...html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map(([, name, value]) => [name, value.replace(/&amp;/g, '&')]),
  );

/** The login form of the authorization request, posted with alice's password: the redirect, and the provider cookie. */
async function signIn(app: Parameters<typeof request>[0], origin = 'http://localhost:3000') {
  const page = await request(app).get(AUTHORIZE).set('Host', 'localhost:3000').expect(200);
  const cookies = ([] as string[]).concat(page.headers['set-cookie'] ?? []).map((cookie) => cookie.split(';')[0]);
  const { email, password } = SAMPLE_LOGINS.alice;
  return request(app)
    .post('/auth/authorize')
    .set('Host', 'localhost:3000')
    .set('Cookie', cookies.join('; '))
    .set('Origin', origin)
    .type('form')
    .send({ ...hiddenFields(page.text), email, password });
}

const exchange = (app: Parameters<typeof request>[0], code: string) =>
  request(app)
    .post('/auth/token')
    .type('form')
    .send({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'my-spa', code_verifier: verifier });

it('discovery names the endpoints, and a code from the login form buys tokens that open the data', async () => {
  const { app } = await serve();
  const discovery = (await request(app).get('/.well-known/openid-configuration').set('Host', 'localhost:3000').expect(200)).body;
  expect(discovery).toMatchObject({
    issuer: 'http://localhost:3000',
    authorization_endpoint: 'http://localhost:3000/auth/authorize',
    token_endpoint: 'http://localhost:3000/auth/token',
    userinfo_endpoint: 'http://localhost:3000/auth/userinfo',
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
  });
  const redirect = await signIn(app);
  expect(redirect.status).toBe(302);
  const code = new URL(redirect.headers.location).searchParams.get('code')!;
  const tokens = (await exchange(app, code).expect(200)).body;
  expect(tokens).toMatchObject({ token_type: 'Bearer', id_token: expect.any(String), access_token: expect.any(String) });
  await request(app).get('/auth/me').set('Authorization', `Bearer ${tokens.access_token}`).expect(200);
});

it('the login form posted from another site is refused by the auth origin gate, and no code is issued', async () => {
  const { app } = await serve();
  const response = await signIn(app, 'https://evil.example');
  expect(response.status).toBe(403);
  expect(response.headers.location).toBeUndefined();
});

it('reset() forgets unused codes and provider sessions', async () => {
  const api = await serve();
  const redirect = await signIn(api.app);
  expect(redirect.status).toBe(302);
  const providerCookie = ([] as string[]).concat(redirect.headers['set-cookie'] ?? []).find((cookie) => cookie.startsWith('fake_jwt_api_op='))!;
  const code = new URL(redirect.headers.location).searchParams.get('code')!;
  await api.reset();
  expect((await exchange(api.app, code)).body.error).toBe('invalid_grant');
  // The provider session is gone too: the next authorization asks for the password again.
  const again = await request(api.app).get(AUTHORIZE).set('Cookie', providerCookie.split(';')[0]);
  expect(again.status).toBe(200);
  expect(again.text).toMatch(/type="password"/);
});

it('with HS256 the endpoints answer 404 saying the provider needs a key pair, and discovery names none', async () => {
  const { app } = await serve({ secret: 's'.repeat(32) });
  for (const path of ['/auth/authorize', '/auth/token', '/auth/userinfo']) {
    const response = await request(app).get(path);
    expect({ status: response.status, error: response.body.error }).toEqual({ status: 404, error: 'not_found' });
    expect(response.body.message).toMatch(/--secret/);
  }
  expect((await request(app).get('/.well-known/openid-configuration').expect(200)).body.authorization_endpoint).toBeUndefined();
});

describe('--redirect-uri', () => {
  const asking = (redirectUri: string) => AUTHORIZE.replace(encodeURIComponent(REDIRECT), encodeURIComponent(redirectUri));

  it('accepts that URI exactly as written, besides loopback ones, and nothing near it', async () => {
    const { app } = await serve({ redirectUris: ['https://myapp.test/callback'] });
    expect((await request(app).get(asking('https://myapp.test/callback'))).status).toBe(200);
    for (const near of ['https://myapp.test/callback/', 'https://myapp.test/callback2', 'http://myapp.test/callback', 'https://myapp.test:444/callback']) {
      const response = await request(app).get(asking(near));
      expect({ status: response.status, location: response.headers.location }).toEqual({ status: 400, location: undefined });
    }
    expect((await request(app).get(AUTHORIZE)).status).toBe(200);
  });

  it('without it, a URI off this machine is refused with a page that names the flag', async () => {
    const { app } = await serve();
    const response = await request(app).get(asking('https://myapp.test/callback'));
    expect({ status: response.status, location: response.headers.location }).toEqual({ status: 400, location: undefined });
    expect(response.text).toContain('--redirect-uri');
  });

  it('must be an http(s) URL without a fragment, or the server does not start', async () => {
    for (const bad of ['myapp.test/callback', 'ftp://myapp.test/', 'https://myapp.test/cb#x'])
      await expect(serve({ redirectUris: [bad] })).rejects.toMatchObject({ code: 'ERR_OPTION' });
  });
});

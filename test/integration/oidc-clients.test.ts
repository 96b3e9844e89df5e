/**
 * The `clients` list (README "Use it as your OpenID provider"), through the whole app: registered redirect URIs
 * exactly, the name on the login page, confidential clients authenticating at the token endpoint (Basic and post),
 * grants, the access-token lifetime and the claims of each client; unlisted ids keep the zero-setup rules.
 */
import { randomBytes } from 'node:crypto';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import request from 'supertest';
import type { ServerOptions } from '../../src/config/options';
import { authorizeRequest, SAMPLE_LOGINS, signInAtProvider, useServer } from '../support';

type App = Parameters<typeof request>[0];

const { serve } = useServer();
const LOOPBACK = 'http://localhost:5173/callback';
const REGISTERED = 'https://app.example/callback';
const SECRET = 'correct horse battery staple';
const verifier = randomBytes(32).toString('base64url');

const CLIENTS: ServerOptions['clients'] = [
  { id: 'shop', name: 'The <Shop> & Co', redirectUris: [REGISTERED], postLogoutRedirectUris: ['https://app.example/bye'] },
  { id: 'backend', secret: SECRET, grants: ['authorization_code'], accessTtl: '2m', claims: ['name'] },
  { id: 'listed-spa' },
];

/** An authorization request of `clientId` with every scope, and the verifier `exchange` sends. */
const requestOf = (clientId: string, redirectUri: string) => ({ clientId, redirectUri, scope: 'openid profile email offline_access', verifier });
const authorizeUrl = (clientId: string, redirectUri: string) => authorizeRequest(requestOf(clientId, redirectUri)).url;

/** Alice signs in on the login page of the request: the code the redirect carries. */
const codeFor = async (app: App, clientId: string, redirectUri: string): Promise<string> =>
  (await signInAtProvider(app, requestOf(clientId, redirectUri))).code;

const exchange = (app: App, fields: Record<string, string>, basic?: string) => {
  const post = request(app).post('/auth/token').type('form');
  if (basic !== undefined) post.set('Authorization', `Basic ${Buffer.from(basic).toString('base64')}`);
  return post.send({ grant_type: 'authorization_code', redirect_uri: LOOPBACK, code_verifier: verifier, ...fields });
};

const payloadOf = (token: string) => jwt.decode(token) as JwtPayload;

describe('registered redirect URIs', () => {
  it('are the only ones of their client: exactly, and no loopback URL besides', async () => {
    const { app } = await serve({ clients: CLIENTS });
    expect((await request(app).get(authorizeUrl('shop', REGISTERED))).status).toBe(200);
    for (const other of [LOOPBACK, `${REGISTERED}/`, 'https://app.example/callback?x=1', 'http://app.example/callback']) {
      const response = await request(app).get(authorizeUrl('shop', other));
      expect({ status: response.status, location: response.headers.location }).toEqual({ status: 400, location: undefined });
      expect(response.text).toContain('registered for this client');
    }
  });

  it('leave other clients, listed without URIs or not listed, on the loopback rule', async () => {
    const { app } = await serve({ clients: CLIENTS });
    for (const clientId of ['listed-spa', 'anyone']) {
      expect((await request(app).get(authorizeUrl(clientId, LOOPBACK))).status).toBe(200);
      expect((await request(app).get(authorizeUrl(clientId, REGISTERED))).status).toBe(400);
    }
  });

  it('bind the post-logout redirect of the client too', async () => {
    const { app } = await serve({ clients: CLIENTS });
    const endSession = (uri: string, clientId = 'shop') =>
      request(app).get(`/auth/end-session?${new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: uri })}`);
    expect((await endSession('https://app.example/bye')).status).toBe(200); // the confirmation page
    const refused = await endSession('http://localhost:5173/');
    expect({ status: refused.status, location: refused.headers.location }).toEqual({ status: 400, location: undefined });
    expect((await endSession('http://localhost:5173/', 'listed-spa')).status).toBe(200);
  });
});

it('the login page shows the client name, escaped, instead of the id', async () => {
  const { app } = await serve({ clients: CLIENTS });
  const page = await request(app).get(authorizeUrl('shop', REGISTERED)).expect(200);
  expect(page.text).toContain('to <strong>The &lt;Shop&gt; &amp; Co</strong>');
  expect(page.text).not.toContain('The <Shop>');
  expect((await request(app).get(authorizeUrl('listed-spa', LOOPBACK))).text).toContain('to <code>listed-spa</code>');
});

describe('a confidential client', () => {
  it('exchanges its code with its secret, in the body or with Basic', async () => {
    const { app } = await serve({ clients: CLIENTS });
    const posted = await exchange(app, { code: await codeFor(app, 'backend', LOOPBACK), client_id: 'backend', client_secret: SECRET });
    expect(posted.status).toBe(200);
    const basic = await exchange(app, { code: await codeFor(app, 'backend', LOOPBACK) }, `backend:${encodeURIComponent(SECRET)}`);
    expect(basic.status).toBe(200);
    expect(basic.body.access_token).toEqual(expect.any(String));
  });

  it.each([
    ['no secret', { client_id: 'backend' }, undefined],
    ['a wrong secret in the body', { client_id: 'backend', client_secret: 'guess' }, undefined],
    ['a wrong secret with Basic', {}, 'backend:guess'],
  ])('is refused with %s: 401 invalid_client with a Basic challenge, and the code is not spent', async (_case, fields, basic) => {
    const { app } = await serve({ clients: CLIENTS });
    const code = await codeFor(app, 'backend', LOOPBACK);
    const refused = await exchange(app, { code, ...fields }, basic);
    expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 401, error: 'invalid_client' });
    expect(refused.headers['www-authenticate']).toMatch(/^Basic /);
    expect((await exchange(app, { code, client_id: 'backend', client_secret: SECRET })).status).toBe(200);
  });

  it('is named in discovery: the secret methods join "none"', async () => {
    const withSecret = (await request((await serve({ clients: CLIENTS })).app).get('/.well-known/openid-configuration')).body;
    expect(withSecret.token_endpoint_auth_methods_supported).toEqual(['none', 'client_secret_basic', 'client_secret_post']);
    const without = (await request((await serve({ clients: [{ id: 'spa' }] })).app).get('/.well-known/openid-configuration')).body;
    expect(without.token_endpoint_auth_methods_supported).toEqual(['none']);
  });
});

it('a listed public client exchanges its code with its id only', async () => {
  const { app } = await serve({ clients: CLIENTS });
  const response = await exchange(app, { code: await codeFor(app, 'listed-spa', LOOPBACK), client_id: 'listed-spa' });
  expect(response.status).toBe(200);
  expect(response.body.refresh_token).toEqual(expect.any(String));
});

describe('per-client settings', () => {
  it('grants: without refresh_token, no refresh token even with offline_access, and a refresh is unauthorized_client', async () => {
    const { app } = await serve({ clients: CLIENTS });
    const tokens = (await exchange(app, { code: await codeFor(app, 'backend', LOOPBACK), client_id: 'backend', client_secret: SECRET }).expect(200)).body;
    expect(tokens.refresh_token).toBeUndefined();
    // A refresh token of /auth/login: valid, so only the client's grants can refuse it.
    const { refreshToken } = (await request(app).post('/auth/login').send(SAMPLE_LOGINS.alice).expect(200)).body;
    expect(refreshToken).toEqual(expect.any(String));
    const refused = await request(app)
      .post('/auth/token')
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'backend', client_secret: SECRET });
    expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 400, error: 'unauthorized_client' });
  });

  it('accessTtl: the client has its own access-token lifetime; the others the server one', async () => {
    const { app } = await serve({ clients: CLIENTS, accessTtl: '15m' });
    const backend = (await exchange(app, { code: await codeFor(app, 'backend', LOOPBACK), client_id: 'backend', client_secret: SECRET }).expect(200)).body;
    expect(backend.expires_in).toBe(120);
    const claims = payloadOf(backend.access_token);
    expect(claims.exp! - claims.iat!).toBe(120);
    await request(app).get('/auth/me').set('Authorization', `Bearer ${backend.access_token}`).expect(200);
    const spa = (await exchange(app, { code: await codeFor(app, 'listed-spa', LOOPBACK), client_id: 'listed-spa' }).expect(200)).body;
    expect(spa.expires_in).toBe(900);
  });

  it('claims: only the listed profile fields, in the ID token and from userinfo; every one for other clients', async () => {
    const { app } = await serve({ clients: CLIENTS });
    const backend = (await exchange(app, { code: await codeFor(app, 'backend', LOOPBACK), client_id: 'backend', client_secret: SECRET }).expect(200)).body;
    expect(payloadOf(backend.id_token)).toMatchObject({ name: 'Alice', email: 'alice@example.com' });
    expect(payloadOf(backend.id_token).role).toBeUndefined();
    const info = (await request(app).get('/auth/userinfo').set('Authorization', `Bearer ${backend.access_token}`).expect(200)).body;
    expect(info).toMatchObject({ sub: '2', name: 'Alice', email: 'alice@example.com' });
    expect(info.role).toBeUndefined();
    const spa = (await exchange(app, { code: await codeFor(app, 'listed-spa', LOOPBACK), client_id: 'listed-spa' }).expect(200)).body;
    expect(payloadOf(spa.id_token)).toMatchObject({ name: 'Alice', role: 'user' });
    expect((await request(app).get('/auth/userinfo').set('Authorization', `Bearer ${spa.access_token}`)).body).toMatchObject({ name: 'Alice', role: 'user' });
  });
});

it('a bad clients list stops createServer with ERR_OPTION naming the entry', async () => {
  await expect(serve({ clients: [{ id: 'a' }, { id: 'a' }] })).rejects.toMatchObject({ code: 'ERR_OPTION', message: expect.stringMatching(/clients\[1\]/) });
});

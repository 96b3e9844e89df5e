import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import express from 'express';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import request from 'supertest';
import { accountIdentity } from '../../src/accounts/accounts-file';
import type { FakeJwtApi } from '../../src/app/create-server';
import { makeAuthenticator } from '../../src/auth/authenticate';
import { originIssuer } from '../../src/auth/issuer-policy';
import { currentKey, readKeyPairs } from '../../src/auth/key-pairs';
import { keyPairRing } from '../../src/auth/signing-keys';
import { makeTokenService } from '../../src/auth/tokens';
import { errorHandler } from '../../src/http/errors';
import { makeCodeStore, type CodeStore, type Grant } from '../../src/provider/codes';
import { makeIdTokenSigner } from '../../src/provider/id-token';
import { TOKEN_PATH, USERINFO_PATH } from '../../src/provider/paths';
import { makeProviderTokenRoutes } from '../../src/provider/token-routes';
import { makeUserinfoRoutes } from '../../src/provider/userinfo-routes';
import { statePaths } from '../../src/state/state-dir';
import { requestAs, SAMPLE_USERS, useServer } from '../support';

// The token endpoint and userinfo (OIDC Core §3.1.3, §5.3; RFC 6749 §4.1.3, §5, §6; RFC 7636 §4.6). Codes are issued
// straight into the code store (the authorization endpoint has its own tests); the routers run in a small app made
// of the server's own parts: its accounts, sessions and signing key, so its tokens are the server's, and a token
// ended here is refused by the server itself. The clock is moved, never waited for.

const T0 = Date.parse('2026-03-01T12:00:00Z');
let clock = T0;
const harness = useServer({
  files: { 'db.json': { posts: [] }, 'users.json': SAMPLE_USERS },
  defaults: { now: () => clock, accessTtl: '15m', refreshTtl: '1d' },
});
beforeEach(() => (clock = T0));

const CLIENT = 'my-spa';
const REDIRECT = 'http://localhost:5173/callback';
const verifierOf = () => randomBytes(32).toString('base64url');
const challengeOf = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

interface Provider {
  api: FakeJwtApi;
  app: express.Express;
  codes: CodeStore;
}

/** The routers over the server's parts, with a body parser for JSON and forms as the app has. */
function providerOver(api: FakeJwtApi): Provider {
  const { accounts, sessions, options } = api;
  const keysFile = statePaths(options.stateDir).keys;
  const keys = keyPairRing(keysFile, [currentKey(readKeyPairs(keysFile))!], options.now);
  const issuer = originIssuer(options.allowedHosts, 'http://localhost');
  const tokens = makeTokenService({ keys, issuer, accessTtlSeconds: options.accessTtlSeconds, now: options.now });
  const codes = makeCodeStore(options.now);
  const idTokens = makeIdTokenSigner({ keys, ttlSeconds: options.accessTtlSeconds, now: options.now });
  const app = express();
  app.use(express.json(), express.urlencoded({ extended: true }));
  app.use(makeAuthenticator(tokens, sessions, accounts).authenticateRequest);
  app.use(makeProviderTokenRoutes({ accounts, sessions, tokens, codes, idTokens, singleSession: options.singleSession }));
  app.use(makeUserinfoRoutes({ accounts, sessions }));
  app.use(errorHandler);
  return { api, app, codes };
}

async function provider(alg?: 'EdDSA'): Promise<Provider> {
  return providerOver(await harness.serve(alg ? { alg } : {}));
}

/** A code for alice (id 2), as the authorization endpoint would issue it after her login. */
function codeFor({ api, codes }: Provider, scopes: string[], grant: Partial<Grant> = {}) {
  const verifier = verifierOf();
  const alice = api.accounts.loadedById('2')!;
  const code = codes.issue({
    clientId: CLIENT,
    redirectUri: REDIRECT,
    codeChallenge: challengeOf(verifier),
    nonce: 'n-0S6_WzA2Mj',
    scopes,
    accountId: '2',
    accountIdentity: accountIdentity(alice),
    authTime: T0 / 1000 - 60,
    ...grant,
  });
  return { code, verifier, exchange: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: CLIENT, code_verifier: verifier } };
}

const post = (app: express.Express, fields: Record<string, unknown>) => request(app).post(TOKEN_PATH).type('form').send(fields);
const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as JwtPayload;
/** What the server itself says of an access token: 200 while its session lives, 401 once it ended. */
const meStatus = async (api: FakeJwtApi, accessToken: string) => (await requestAs(api.app, accessToken, 'GET', '/auth/me')).status;

async function publicJwk(api: FakeJwtApi, kid: string): Promise<JsonWebKey & { alg: string }> {
  const { body } = await request(api.app).get('/.well-known/jwks.json').expect(200);
  return body.keys.find((key: { kid: string }) => key.kid === kid);
}

/** The ID token checked as a relying party checks it (OIDC Core §3.1.3.7), against the server's published key. */
async function verifiedIdToken(api: FakeJwtApi, idToken: string, accessToken: string): Promise<JwtPayload> {
  const header = JSON.parse(Buffer.from(idToken.split('.')[0], 'base64url').toString());
  expect(header.typ).toBe('JWT');
  const jwk = await publicJwk(api, header.kid);
  expect(header.alg).toBe(jwk.alg);
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const iss = payloadOf(accessToken).iss;
  const payload = jwt.verify(idToken, key, { algorithms: [jwk.alg as 'RS256'], audience: CLIENT, issuer: iss, clockTimestamp: clock / 1000 }) as JwtPayload;
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  expect(payload.at_hash).toBe(digest.subarray(0, digest.length / 2).toString('base64url'));
  expect(payload.sid).toBe(payloadOf(accessToken).sid);
  return payload;
}

describe('the authorization_code grant', () => {
  it('answers tokens whose ID token carries every claim, checked against the JWKS; no refresh token without offline_access', async () => {
    const op = await provider();
    const { exchange } = codeFor(op, ['openid', 'email', 'profile']);
    const res = await post(op.app, exchange).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'openid email profile' });
    const claims = await verifiedIdToken(op.api, res.body.id_token, res.body.access_token);
    expect(claims).toEqual({
      iss: payloadOf(res.body.access_token).iss,
      sub: '2',
      aud: CLIENT,
      iat: T0 / 1000,
      exp: T0 / 1000 + 900,
      auth_time: T0 / 1000 - 60,
      nonce: 'n-0S6_WzA2Mj',
      at_hash: expect.any(String),
      sid: payloadOf(res.body.access_token).sid,
      email: 'alice@example.com',
      email_verified: true,
      name: 'Alice',
      role: 'user',
    });
    expect(await meStatus(op.api, res.body.access_token)).toBe(200);
    // The session is one of the server's: /auth/sessions lists it.
    const listed = await requestAs(op.api.app, res.body.access_token, 'GET', '/auth/sessions').expect(200);
    expect(JSON.stringify(listed.body)).toContain(payloadOf(res.body.access_token).sid);
  });

  it('gives a refresh token with offline_access, and leaves out what openid alone does not grant', async () => {
    const op = await provider();
    const { exchange } = codeFor(op, ['openid', 'offline_access'], { nonce: undefined });
    const res = await post(op.app, exchange).expect(200);
    expect(res.body.refresh_token).toEqual(expect.any(String));
    const claims = await verifiedIdToken(op.api, res.body.id_token, res.body.access_token);
    expect(Object.keys(claims).sort()).toEqual(['at_hash', 'aud', 'auth_time', 'exp', 'iat', 'iss', 'sid', 'sub']);
  });

  it('takes a JSON body, and a client_id sent with HTTP Basic (its secret ignored)', async () => {
    const op = await provider();
    await request(op.app)
      .post(TOKEN_PATH)
      .send(codeFor(op, ['openid']).exchange)
      .expect(200);
    const { client_id: _clientId, ...rest } = codeFor(op, ['openid']).exchange;
    await request(op.app).post(TOKEN_PATH).auth(CLIENT, 'any-secret').type('form').send(rest).expect(200);
  });

  it('signs EdDSA ID tokens with an at_hash of SHA-512', async () => {
    const op = await provider('EdDSA');
    const res = await post(op.app, codeFor(op, ['openid']).exchange).expect(200);
    const [header, payload, signature] = res.body.id_token.split('.');
    const { kid, alg } = JSON.parse(Buffer.from(header, 'base64url').toString());
    expect(alg).toBe('EdDSA');
    const key = createPublicKey({ key: await publicJwk(op.api, kid), format: 'jwk' });
    expect(verify(null, Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))).toBe(true);
    const digest = createHash('sha512').update(res.body.access_token, 'ascii').digest();
    expect(payloadOf(res.body.id_token).at_hash).toBe(digest.subarray(0, 32).toString('base64url'));
  });

  it('refuses a code used twice, and ends the session its first use started (RFC 6749 §4.1.2)', async () => {
    const op = await provider();
    const { exchange } = codeFor(op, ['openid', 'offline_access']);
    const first = await post(op.app, exchange).expect(200);
    expect(await meStatus(op.api, first.body.access_token)).toBe(200);
    const second = await post(op.app, exchange).expect(400);
    expect(second.body.error).toBe('invalid_grant');
    expect(await meStatus(op.api, first.body.access_token)).toBe(401);
    expect((await post(op.app, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token, client_id: CLIENT }).expect(400)).body.error).toBe(
      'invalid_grant',
    );
  });

  it('refuses an expired code, by the server clock', async () => {
    const op = await provider();
    const { exchange } = codeFor(op, ['openid']);
    clock += 60_000;
    expect((await post(op.app, exchange).expect(400)).body.error).toBe('invalid_grant');
  });

  it('spends a code on a wrong verifier: the right one after it is too late', async () => {
    const op = await provider();
    const { exchange } = codeFor(op, ['openid']);
    await post(op.app, { ...exchange, code_verifier: verifierOf() }).expect(400);
    expect((await post(op.app, exchange).expect(400)).body.error).toBe('invalid_grant');
  });

  it('refuses a code whose account is no longer the one that logged in', async () => {
    const op = await provider();
    const alice = op.api.accounts.loadedById('2')!;
    const { exchange } = codeFor(op, ['openid'], { accountIdentity: accountIdentity({ ...alice, email: 'someone@example.com' }) });
    expect((await post(op.app, exchange).expect(400)).body.error).toBe('invalid_grant');
  });

  type Exchange = ReturnType<typeof codeFor>['exchange'];
  const misuses: Array<[string, (exchange: Exchange) => Record<string, unknown>, number, string]> = [
    ['a wrong verifier', (e) => ({ ...e, code_verifier: verifierOf() }), 400, 'invalid_grant'],
    ['a verifier of 42 characters', (e) => ({ ...e, code_verifier: e.code_verifier.slice(0, 42) }), 400, 'invalid_request'],
    ['a verifier of 129 characters', (e) => ({ ...e, code_verifier: e.code_verifier.repeat(3).slice(0, 129) }), 400, 'invalid_request'],
    ['another client_id', (e) => ({ ...e, client_id: 'other-spa' }), 400, 'invalid_grant'],
    ['another redirect_uri, by a trailing slash', (e) => ({ ...e, redirect_uri: `${REDIRECT}/` }), 400, 'invalid_grant'],
    ['another redirect_uri, by its port', (e) => ({ ...e, redirect_uri: REDIRECT.replace('5173', '5174') }), 400, 'invalid_grant'],
    ['an unknown code', (e) => ({ ...e, code: randomBytes(32).toString('base64url') }), 400, 'invalid_grant'],
    ['no code', ({ code: _code, ...e }) => e, 400, 'invalid_request'],
    ['no redirect_uri', ({ redirect_uri: _uri, ...e }) => e, 400, 'invalid_request'],
    ['no client_id', ({ client_id: _client, ...e }) => e, 400, 'invalid_request'],
    ['no code_verifier', ({ code_verifier: _verifier, ...e }) => e, 400, 'invalid_request'],
    ['no grant_type', ({ grant_type: _type, ...e }) => e, 400, 'invalid_request'],
    ['grant_type password', (e) => ({ ...e, grant_type: 'password' }), 400, 'unsupported_grant_type'],
    // RFC 6749 §4.4: only a confidential client of the clients list may (oidc-client-credentials.test.ts).
    ['grant_type client_credentials, from a public client', (e) => ({ ...e, grant_type: 'client_credentials' }), 401, 'invalid_client'],
    ['the code twice in one request', (e) => ({ ...e, code: [e.code, e.code] }), 400, 'invalid_request'],
    ['a client_id with a newline', (e) => ({ ...e, client_id: 'my\nspa' }), 401, 'invalid_client'],
  ];

  it.each(misuses)('refuses %s, in RFC 6749 §5.2 words, not cached', async (_name, change, status, error) => {
    const op = await provider();
    const res = await post(op.app, change(codeFor(op, ['openid', 'offline_access']).exchange)).expect(status);
    expect(res.body).toEqual({ error, error_description: expect.any(String) });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    if (status === 401) expect(res.headers['www-authenticate']).toMatch(/^Basic /);
  });

  it('refuses a body that is not form fields or a JSON object', async () => {
    const op = await provider();
    const res = await request(op.app).post(TOKEN_PATH).send([1, 2]).expect(400);
    expect(res.body.error).toBe('invalid_request');
  });
});

describe('the refresh_token grant', () => {
  async function loggedIn(op: Provider) {
    return (await post(op.app, codeFor(op, ['openid', 'email', 'offline_access']).exchange).expect(200)).body;
  }

  it('rotates the refresh token, and answers a new ID token of the same session, without the nonce', async () => {
    const op = await provider();
    const first = await loggedIn(op);
    clock += 120_000;
    const res = await request(op.app).post(TOKEN_PATH).send({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: CLIENT }).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.refresh_token).not.toBe(first.refresh_token);
    expect(res.body.scope).toBe('openid email offline_access');
    const claims = await verifiedIdToken(op.api, res.body.id_token, res.body.access_token);
    expect(claims.nonce).toBeUndefined();
    expect(claims.sid).toBe(payloadOf(first.access_token).sid);
    expect(claims.iat).toBe(T0 / 1000 + 120);
    expect(claims.auth_time).toBe(T0 / 1000 - 60);
    expect(claims.email).toBe('alice@example.com');
    expect(await meStatus(op.api, res.body.access_token)).toBe(200);
  });

  it('ends the session when a spent refresh token comes back (reuse detection of /auth/refresh)', async () => {
    const op = await provider();
    const first = await loggedIn(op);
    const next = (await post(op.app, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: CLIENT }).expect(200)).body;
    clock += 10_000; // past the reuse interval
    const reuse = await post(op.app, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: CLIENT }).expect(400);
    expect(reuse.body.error).toBe('invalid_grant');
    expect(await meStatus(op.api, next.access_token)).toBe(401);
    await post(op.app, { grant_type: 'refresh_token', refresh_token: next.refresh_token, client_id: CLIENT }).expect(400);
  });

  it("refuses another client's refresh token without spending it, and an unknown one", async () => {
    const op = await provider();
    const first = await loggedIn(op);
    // A token this endpoint gave a client needs that client's id (RFC 6749 §3.2.1), and is not spent without it.
    expect((await post(op.app, { grant_type: 'refresh_token', refresh_token: first.refresh_token }).expect(400)).body.error).toBe('invalid_request');
    const other = await post(op.app, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: 'other-spa' }).expect(400);
    expect(other.body.error).toBe('invalid_grant');
    await post(op.app, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: CLIENT }).expect(200);
    expect((await post(op.app, { grant_type: 'refresh_token', refresh_token: 'rt_unknown' }).expect(400)).body.error).toBe('invalid_grant');
    expect((await post(op.app, { grant_type: 'refresh_token' }).expect(400)).body.error).toBe('invalid_request');
  });

  it('refreshes a session of /auth/login too, without an ID token: its grant is not the endpoint’s to know', async () => {
    const op = await provider();
    const login = await request(op.api.app).post('/auth/login').send({ email: 'bob@example.com', password: 'bob12345' }).expect(200);
    const res = await post(op.app, { grant_type: 'refresh_token', refresh_token: login.body.refreshToken }).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
  });
});

describe('userinfo', () => {
  it.each(['get', 'post'] as const)('answers %s with the claims of the account, never its password', async (method) => {
    const op = await provider();
    const tokens = (await post(op.app, codeFor(op, ['openid']).exchange).expect(200)).body;
    const res = await request(op.app)[method](USERINFO_PATH).set('Authorization', `Bearer ${tokens.access_token}`).expect(200);
    expect(res.body).toEqual({ sub: '2', email: 'alice@example.com', email_verified: true, name: 'Alice', role: 'user' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('asks for a token without one, and refuses the token of an ended session', async () => {
    const op = await provider();
    const missing = await request(op.app).get(USERINFO_PATH).expect(401);
    expect(missing.body.error).toBe('invalid_token');
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer /);
    const tokens = (await post(op.app, codeFor(op, ['openid']).exchange).expect(200)).body;
    await requestAs(op.api.app, tokens.access_token, 'POST', '/auth/logout').expect(204);
    const ended = await request(op.app).post(USERINFO_PATH).set('Authorization', `Bearer ${tokens.access_token}`).expect(401);
    expect(ended.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });
});

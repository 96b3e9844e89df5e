import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { login, useServer } from '../support';
import type { FakeJwtApi } from '../../src/app/create-server';

const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';
const { project, serve } = useServer();
let api: FakeJwtApi;
let clock: number;

beforeEach(async () => {
  clock = Date.parse('2026-01-01T00:00:00Z');
  api = await serve({ secret: SECRET, accessTtl: '10m', now: () => clock });
});

const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
const nowSeconds = () => Math.floor(clock / 1000);
const validClaims = () => ({
  sub: '2',
  email: 'alice@example.com',
  role: 'admin',
  sid: 's',
  jti: 'j',
  iat: nowSeconds(),
  exp: nowSeconds() + 600,
  iss: 'fake-jwt-api',
});

async function rejects(token: string, description: RegExp) {
  const response = await request(api.app).get('/posts').set('Authorization', `Bearer ${token}`).expect(401);
  expect(response.body).toEqual({ error: 'invalid_token', message: expect.any(String) });
  expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="fake-jwt-api", error="invalid_token", error_description="[^"]+"$/);
  expect(response.headers['www-authenticate']).toMatch(description);
}

describe('access tokens', () => {
  it('carry the header and claims that the README section "Tokens" names', async () => {
    const token = await login(api.app, 'alice@example.com', 'alice123');
    const decoded = jwt.decode(token, { complete: true })!;
    expect(decoded.header).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    expect(decoded.payload).toEqual({
      sub: '2',
      email: 'alice@example.com',
      role: 'user',
      email_verified: true, // written by hand in users.json: verified (README "Email verification")
      sid: expect.any(String),
      jti: expect.any(String),
      iat: nowSeconds(),
      exp: nowSeconds() + 600,
      iss: 'fake-jwt-api',
    });
  });

  it('stop working within a second of exp, measured on the injected clock', async () => {
    const token = await login(api.app, 'alice@example.com', 'alice123');
    clock += 600_000;
    await request(api.app).get('/posts').set('Authorization', `Bearer ${token}`).expect(200); // inside the 1 s tolerance
    clock += 1_000;
    await rejects(token, /expired/);
  });

  it('are refused when signed with another secret', async () => {
    await rejects(jwt.sign(validClaims(), 'another-secret-that-is-also-32-bytes-long!', { header: { alg: 'HS256', typ: 'at+jwt' } }), /signature/);
  });

  it('are refused with alg none', async () => {
    await rejects(`${encode({ alg: 'none', typ: 'at+jwt' })}.${encode(validClaims())}.`, /not signed|algorithm|malformed/);
  });

  it('are refused when signed with another HMAC algorithm and the same secret', async () => {
    await rejects(jwt.sign(validClaims(), SECRET, { algorithm: 'HS512', header: { alg: 'HS512', typ: 'at+jwt' } }), /algorithm/);
  });

  it('are refused when signed with RS256', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await rejects(jwt.sign(validClaims(), privateKey, { algorithm: 'RS256', header: { alg: 'RS256', typ: 'at+jwt' } }), /algorithm/);
  });

  it('are refused without exp', async () => {
    const { exp: _exp, ...claims } = validClaims();
    await rejects(jwt.sign(claims, SECRET, { header: { alg: 'HS256', typ: 'at+jwt' } }), /claims/);
  });

  it('are refused from another issuer', async () => {
    await rejects(jwt.sign({ ...validClaims(), iss: 'someone-else' }, SECRET, { header: { alg: 'HS256', typ: 'at+jwt' } }), /issuer/);
  });

  it('are refused when the typ is not at+jwt (an ID token, say)', async () => {
    await rejects(jwt.sign(validClaims(), SECRET, { header: { alg: 'HS256', typ: 'JWT' } }), /typ/);
  });

  it('are refused when the audience differs from --audience', async () => {
    const withAudience = await serve({ secret: SECRET, audience: 'my-app', now: () => clock });
    const token = await login(withAudience.app, 'alice@example.com', 'alice123');
    expect(jwt.decode(token)).toMatchObject({ aud: 'my-app' });
    await request(withAudience.app).get('/posts').set('Authorization', `Bearer ${token}`).expect(200);
    const other = jwt.sign({ ...validClaims(), aud: 'other-app' }, SECRET, { header: { alg: 'HS256', typ: 'at+jwt' } });
    await request(withAudience.app).get('/posts').set('Authorization', `Bearer ${other}`).expect(401);
  });

  it.each([
    ['garbage', 'not-a-jwt'],
    ['a tampered payload', null],
  ])('are refused when %s', async (_case, token) => {
    let value = token;
    if (value === null) {
      const [header, , signature] = (await login(api.app, 'alice@example.com', 'alice123')).split('.');
      value = `${header}.${encode({ ...validClaims(), role: 'admin' })}.${signature}`;
    }
    await rejects(value, /malformed|signature/);
  });

  it.each([
    ['a missing Bearer scheme', (token: string) => token],
    ['the Basic scheme', () => 'Basic YWxpY2U6YWxpY2UxMjM='],
    ['Bearer with no token', () => 'Bearer '],
    ['a token with a space in it', (token: string) => `Bearer ${token} extra`],
  ])('refuse %s', async (_case, header) => {
    const token = await login(api.app, 'alice@example.com', 'alice123');
    const response = await request(api.app).get('/posts').set('Authorization', header(token)).expect(401);
    expect(response.body.error).toBe('invalid_token');
    expect(response.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });

  it('accept the scheme in any letter case (RFC 7235)', async () => {
    const token = await login(api.app, 'alice@example.com', 'alice123');
    await request(api.app).get('/posts').set('Authorization', `bearer ${token}`).expect(200);
  });

  it('survive a restart: the generated secret is kept in the state folder', async () => {
    const first = await serve();
    const token = await login(first.app, 'alice@example.com', 'alice123');
    const second = await serve();
    await request(second.app).get('/posts').set('Authorization', `Bearer ${token}`).expect(200);
    expect(project.read('.fake-jwt-api/state.json')).toMatch(/"secret"/);
  });

  it('refuse a --secret shorter than 32 bytes at start', async () => {
    await expect(serve({ secret: 'too-short' })).rejects.toMatchObject({ code: 'ERR_OPTION', exitCode: 2 });
  });
});

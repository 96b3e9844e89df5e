import request from 'supertest';
import { requestAs, SAMPLE_USERS, useServer, type AuthResult } from '../support';
import type { FakeJwtApi } from '../../src/app/create-server';
import type { ServerOptions } from '../../src/config/options';

// --allow-client-ttl: POST /auth/login { ..., "expiresIn": "30s" } gives its session access tokens that live 30 s,
// at most --access-ttl, its refreshes' tokens too, so a course shows expiry. The clock is moved, never waited for.

const T0 = Date.parse('2026-03-01T12:00:00Z');
let clock = T0;
const harness = useServer({
  files: { 'db.json': { posts: [{ id: 1, title: 'p' }] }, 'users.json': SAMPLE_USERS },
  defaults: { now: () => clock, accessTtl: '15m' },
});
beforeEach(() => (clock = T0));

const serve = (options: Partial<ServerOptions> = {}) => harness.serve({ allowClientTtl: true, ...options });
const ALICE = { email: 'alice@example.com', password: 'alice123' };
const login = (api: FakeJwtApi, fields: Record<string, unknown> = {}) =>
  request(api.app)
    .post('/auth/login')
    .send({ ...ALICE, ...fields });
const refresh = (api: FakeJwtApi, refreshToken: string) => request(api.app).post('/auth/refresh').send({ refreshToken });
const claimsOf = (token: string): { iat: number; exp: number; sid: string } => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
const lifetimeOf = (token: string) => claimsOf(token).exp - claimsOf(token).iat;
const reads = async (api: FakeJwtApi, accessToken: string) => (await requestAs(api.app, accessToken, 'GET', '/posts')).status;

/** A login that must answer 200 and honour the lifetime: the answer's expiresIn and the token agree. */
async function loginFor(api: FakeJwtApi, expiresIn: unknown): Promise<AuthResult> {
  const body = (await login(api, { expiresIn }).expect(200)).body as AuthResult;
  expect(lifetimeOf(body.accessToken)).toBe(body.expiresIn);
  return body;
}

describe('without --allow-client-ttl (the default)', () => {
  it('refuses a login that sends expiresIn, and says which flag honours it', async () => {
    const api = await harness.serve();
    const res = await login(api, { expiresIn: '30s' }).expect(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.message).toMatch(/--allow-client-ttl/);
  });

  it('logs in as before without it: tokens of --access-ttl', async () => {
    const api = await harness.serve();
    const body = (await login(api).expect(200)).body as AuthResult;
    expect(body.expiresIn).toBe(900);
    expect(lifetimeOf(body.accessToken)).toBe(900);
  });
});

describe('with --allow-client-ttl', () => {
  it('gives a 30 s token that works at +29 s and is expired at +31 s', async () => {
    const api = await serve();
    const pair = await loginFor(api, '30s');
    expect(pair.expiresIn).toBe(30);
    expect(claimsOf(pair.accessToken).iat).toBe(T0 / 1000);
    clock = T0 + 29_000;
    expect(await reads(api, pair.accessToken)).toBe(200);
    clock = T0 + 31_000;
    const expired = await requestAs(api.app, pair.accessToken, 'GET', '/posts').expect(401);
    expect(expired.body.error).toBe('invalid_token');
    expect(expired.headers['www-authenticate']).toMatch(/error_description="the token has expired"/);
  });

  it('keeps the lifetime for the session: each refresh gives another 30 s token, which expires in turn', async () => {
    const api = await serve();
    const pair = await loginFor(api, '30s');
    clock = T0 + 31_000;
    expect(await reads(api, pair.accessToken)).toBe(401);
    const next = (await refresh(api, pair.refreshToken).expect(200)).body as AuthResult;
    expect(next.expiresIn).toBe(30);
    expect(claimsOf(next.accessToken)).toMatchObject({ iat: T0 / 1000 + 31, exp: T0 / 1000 + 61, sid: claimsOf(pair.accessToken).sid });
    expect(await reads(api, next.accessToken)).toBe(200);
    clock = T0 + 62_000;
    expect(await reads(api, next.accessToken)).toBe(401);
    const third = (await refresh(api, next.refreshToken).expect(200)).body as AuthResult;
    expect(lifetimeOf(third.accessToken)).toBe(30);
  });

  it("keeps it at the provider's refresh_token grant too, for a session /auth/login started", async () => {
    const api = await serve();
    const pair = await loginFor(api, '45s');
    const res = await request(api.app).post('/auth/token').send({ grant_type: 'refresh_token', refresh_token: pair.refreshToken }).expect(200);
    expect(res.body.expires_in).toBe(45);
    expect(lifetimeOf(res.body.access_token)).toBe(45);
  });

  it('leaves the refresh token its own lifetime (--refresh-ttl)', async () => {
    const api = await serve({ refreshTtl: '1h' });
    const pair = await loginFor(api, '30s');
    clock = T0 + 3_599_000;
    await refresh(api, pair.refreshToken).expect(200);
    const late = await loginFor(api, '30s');
    clock += 3_600_000;
    await refresh(api, late.refreshToken).expect(401);
  });

  it('takes durations as the flags take them, and whole seconds', async () => {
    const api = await serve();
    for (const [asked, seconds] of [
      ['2m', 120],
      ['90', 90],
      [' 10s ', 10],
      ['15m', 900],
      [1, 1],
      [60, 60],
      [900, 900],
    ] as const) {
      expect([asked, (await loginFor(api, asked)).expiresIn]).toEqual([asked, seconds]);
    }
  });

  it('refuses more than --access-ttl, naming the maximum', async () => {
    const api = await serve();
    for (const asked of ['20m', 901, '1h']) {
      const res = await login(api, { expiresIn: asked }).expect(400);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.message).toMatch(/at most 900 seconds.*--access-ttl/);
    }
  });

  it('refuses what is not a duration, with an example', async () => {
    const api = await serve();
    for (const asked of ['abc', '', '0s', '30 minutes', 0, -5, 1.5, {}, [], null, true]) {
      const res = await login(api, { expiresIn: asked }).expect(400);
      expect([asked, res.body.error]).toEqual([asked, 'invalid_request']);
      expect(res.body.message).toMatch(/"30s"/);
    }
  });

  it('refuses a bad expiresIn before the password counts: the right one still logs in after many', async () => {
    const api = await serve({ rateLimit: 'login=2/1m,ip=2/15m' });
    for (let attempt = 0; attempt < 5; attempt++) await login(api, { password: 'wrong', expiresIn: 'abc' }).expect(400);
    await login(api).expect(200);
  });

  it('gives a login without expiresIn the normal --access-ttl, its refreshes too', async () => {
    const api = await serve();
    const pair = (await login(api).expect(200)).body as AuthResult;
    expect([pair.expiresIn, lifetimeOf(pair.accessToken)]).toEqual([900, 900]);
    const next = (await refresh(api, pair.refreshToken).expect(200)).body as AuthResult;
    expect([next.expiresIn, lifetimeOf(next.accessToken)]).toEqual([900, 900]);
  });

  it('keeps the lifetime in sessions.json: after a restart, a refresh of the session still gives 30 s tokens', async () => {
    const first = await serve();
    const pair = await loginFor(first, '30s');
    const plain = (await login(first).expect(200)).body as AuthResult;
    await first.close();
    const stored = JSON.parse(harness.project.read('.fake-jwt-api/sessions.json')).sessions;
    expect(stored.find((session: { id: string }) => session.id === claimsOf(pair.accessToken).sid).accessTtlSeconds).toBe(30);
    expect(stored.find((session: { id: string }) => session.id === claimsOf(plain.accessToken).sid)).not.toHaveProperty('accessTtlSeconds');
    clock = T0 + 60_000;
    const second = await serve();
    const next = (await refresh(second, pair.refreshToken).expect(200)).body as AuthResult;
    expect([next.expiresIn, lifetimeOf(next.accessToken)]).toEqual([30, 30]);
    expect((await refresh(second, plain.refreshToken).expect(200)).body.expiresIn).toBe(900);
  });

  it('gives a shorter --access-ttl the last word over a lifetime stored by an earlier start', async () => {
    const first = await serve();
    const pair = await loginFor(first, '10m');
    await first.close();
    const second = await serve({ accessTtl: '2m' });
    const next = (await refresh(second, pair.refreshToken).expect(200)).body as AuthResult;
    expect([next.expiresIn, lifetimeOf(next.accessToken)]).toEqual([120, 120]);
  });

  it('is /auth/login only: registration does not shorten its tokens', async () => {
    const api = await serve();
    const res = await request(api.app).post('/auth/register').send({ email: 'carol@example.com', password: 'carol-password', expiresIn: '30s' }).expect(201);
    expect(res.body.expiresIn).toBe(900);
    expect(res.body.user).not.toHaveProperty('expiresIn'); // a request, never stored as profile
  });
});

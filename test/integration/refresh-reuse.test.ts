import request from 'supertest';
import { loginPair, requestAs, SAMPLE_USERS, useServer, type AuthResult } from '../support';
import type { FakeJwtApi } from '../../src/app/create-server';
import type { ServerOptions } from '../../src/config/options';

// --refresh-reuse-interval: a just-rotated refresh token presented again within the interval gets the same successor
// (two tabs refreshing at once), after it the repeat is theft; 0 is strict. The clock is moved, never waited for.

const T0 = Date.parse('2026-03-01T12:00:00Z');
let clock = T0;
const harness = useServer({
  files: { 'db.json': { posts: [{ id: 1, title: 'p' }] }, 'users.json': SAMPLE_USERS },
  defaults: { now: () => clock, accessTtl: '15m', refreshTtl: '1d' },
});
beforeEach(() => (clock = T0));

const login = (api: FakeJwtApi) => loginPair(api.app, 'alice@example.com', 'alice123');
const refresh = (api: FakeJwtApi, refreshToken: string) => request(api.app).post('/auth/refresh').send({ refreshToken });
const sidOf = (token: string): string => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sid;
const reads = async (api: FakeJwtApi, accessToken: string) => (await requestAs(api.app, accessToken, 'GET', '/posts')).status;

describe('the default interval, 10 s', () => {
  const serve = (options: Partial<ServerOptions> = {}) => harness.serve(options);

  it('gives two tabs refreshing at once the same successor, and a fresh access token of the same session each', async () => {
    const api = await serve();
    const pair = await login(api);
    const [a, b] = await Promise.all([refresh(api, pair.refreshToken), refresh(api, pair.refreshToken)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.refreshToken).toBe(b.body.refreshToken);
    expect(a.body.refreshToken).not.toBe(pair.refreshToken);
    expect(a.body.accessToken).not.toBe(b.body.accessToken);
    expect(sidOf(a.body.accessToken)).toBe(sidOf(pair.accessToken));
    expect(sidOf(b.body.accessToken)).toBe(sidOf(pair.accessToken));
    expect([await reads(api, a.body.accessToken), await reads(api, b.body.accessToken), await reads(api, pair.accessToken)]).toEqual([200, 200, 200]);
  });

  it('answers a third and fourth repeat within the interval alike, up to its last millisecond', async () => {
    const api = await serve();
    const pair = await login(api);
    const successor = (await refresh(api, pair.refreshToken).expect(200)).body.refreshToken;
    clock += 5_000;
    expect((await refresh(api, pair.refreshToken).expect(200)).body.refreshToken).toBe(successor);
    clock += 4_999;
    expect((await refresh(api, pair.refreshToken).expect(200)).body.refreshToken).toBe(successor);
  });

  it('lets the successor rotate normally; then the first token is older than the previous one: theft', async () => {
    const api = await serve();
    const pair = await login(api);
    const second = (await refresh(api, pair.refreshToken).expect(200)).body as AuthResult;
    const third = (await refresh(api, second.refreshToken).expect(200)).body as AuthResult;
    expect(third.refreshToken).not.toBe(second.refreshToken);
    expect((await refresh(api, pair.refreshToken).expect(401)).body.error).toBe('invalid_grant');
    expect(await reads(api, third.accessToken)).toBe(401);
    await refresh(api, third.refreshToken).expect(401);
  });

  it('after the interval, a repeat is theft: the whole session ends', async () => {
    const api = await serve();
    const pair = await login(api);
    const victim = (await refresh(api, pair.refreshToken).expect(200)).body as AuthResult;
    clock += 10_000;
    expect((await refresh(api, pair.refreshToken).expect(401)).body.message).toMatch(/already used/);
    expect(await reads(api, victim.accessToken)).toBe(401);
    await refresh(api, victim.refreshToken).expect(401);
  });

  it('gives nothing to a repeat once the session ended within the interval (logout, or reuse detected)', async () => {
    const api = await serve();
    const pair = await login(api);
    const next = (await refresh(api, pair.refreshToken).expect(200)).body as AuthResult;
    await requestAs(api.app, next.accessToken, 'POST', '/auth/logout').expect(204);
    expect((await refresh(api, pair.refreshToken).expect(401)).body.error).toBe('invalid_grant');
  });

  it('takes the just-rotated token, within the interval, as its successor for a logout or a revoke', async () => {
    const api = await serve();
    const pair = await login(api);
    const next = (await refresh(api, pair.refreshToken).expect(200)).body as AuthResult;
    await request(api.app).post('/auth/logout').send({ refreshToken: pair.refreshToken }).expect(204);
    expect(await reads(api, next.accessToken)).toBe(401);
    const other = await login(api);
    const renewed = (await refresh(api, other.refreshToken).expect(200)).body as AuthResult;
    await request(api.app).post('/auth/revoke').send({ token: other.refreshToken }).expect(200);
    await refresh(api, renewed.refreshToken).expect(401);
  });

  it('never keeps the successor in sessions.json: the file holds hashes only', async () => {
    const api = await serve();
    const pair = await login(api);
    const next = (await refresh(api, pair.refreshToken).expect(200)).body as AuthResult;
    await refresh(api, pair.refreshToken).expect(200);
    await api.sessions.settled();
    const file = harness.project.read('.fake-jwt-api/sessions.json');
    expect(file).not.toContain(next.refreshToken);
    expect(file).not.toContain(pair.refreshToken);
  });

  it('across a restart within the interval: a repeat is refused without ending the session; after it, theft', async () => {
    const first = await serve();
    const pair = await login(first);
    const next = (await refresh(first, pair.refreshToken).expect(200)).body as AuthResult;
    await first.close();
    const second = await serve();
    const repeat = await refresh(second, pair.refreshToken).expect(401);
    expect(repeat.body).toMatchObject({ error: 'invalid_grant', message: expect.stringMatching(/a moment ago/) });
    expect(await reads(second, next.accessToken)).toBe(200); // nothing handed out, nothing ended
    clock += 10_000;
    await refresh(second, pair.refreshToken).expect(401);
    expect(await reads(second, next.accessToken)).toBe(401);
  });

  it('the successor still rotates after a restart', async () => {
    const first = await serve();
    const pair = await login(first);
    const next = (await refresh(first, pair.refreshToken).expect(200)).body as AuthResult;
    await first.close();
    const second = await serve();
    await refresh(second, next.refreshToken).expect(200);
  });

  it('in --cookie mode, the repeat sets the same successor cookie', async () => {
    const api = await serve({ cookie: true });
    const logged = await request(api.app).post('/auth/login').send({ email: 'alice@example.com', password: 'alice123' }).expect(200);
    const cookie = logged.headers['set-cookie'][0].split(';')[0];
    const refreshByCookie = () => request(api.app).post('/auth/refresh').set('Cookie', cookie).set('Content-Type', 'application/json').send('{}');
    const [a, b] = await Promise.all([refreshByCookie(), refreshByCookie()]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.headers['set-cookie'][0].split(';')[0]).toBe(b.headers['set-cookie'][0].split(';')[0]);
    expect(a.body.refreshToken).toBeUndefined();
  });
});

describe('--refresh-reuse-interval 0: strict', () => {
  it('takes any repeat, even at the same moment, for theft', async () => {
    const api = await harness.serve({ refreshReuseInterval: 0 });
    const pair = await login(api);
    const next = (await refresh(api, pair.refreshToken).expect(200)).body as AuthResult;
    expect((await refresh(api, pair.refreshToken).expect(401)).body.message).toMatch(/already used/);
    expect(await reads(api, next.accessToken)).toBe(401);
  });

  it('of two tabs racing, one gets the new pair; the other ends the session', async () => {
    const api = await harness.serve({ refreshReuseInterval: '0s' });
    const pair = await login(api);
    const results = await Promise.all([refresh(api, pair.refreshToken), refresh(api, pair.refreshToken)]);
    expect(results.map((answer) => answer.status).sort()).toEqual([200, 401]);
    const winner = results.find((answer) => answer.status === 200)!.body as AuthResult;
    expect(await reads(api, winner.accessToken)).toBe(401);
  });
});

describe('another interval', () => {
  it('--refresh-reuse-interval 2m keeps the successor for two minutes, and refuses a bad value', async () => {
    const api = await harness.serve({ refreshReuseInterval: '2m' });
    const pair = await login(api);
    const next = (await refresh(api, pair.refreshToken).expect(200)).body.refreshToken;
    clock += 119_000;
    expect((await refresh(api, pair.refreshToken).expect(200)).body.refreshToken).toBe(next);
    clock += 1_000;
    await refresh(api, pair.refreshToken).expect(401);
    await expect(harness.serve({ refreshReuseInterval: 'soon' })).rejects.toMatchObject({ code: 'ERR_OPTION' });
    await expect(harness.serve({ refreshReuseInterval: -5 })).rejects.toMatchObject({ code: 'ERR_OPTION' });
  });
});

import request from 'supertest';
import { loginPair, requestAs, SAMPLE_USERS, useServer, type AuthResult } from '../support';
import type { FakeJwtApi } from '../../src/app/create-server';

// GET /auth/sessions and DELETE /auth/sessions/:id: a user sees and ends its own sessions, and nobody else's.

const T0 = Date.parse('2026-03-01T12:00:00Z');
let clock = T0;
const harness = useServer({ files: { 'db.json': { posts: [{ id: 1, title: 'p' }] }, 'users.json': SAMPLE_USERS }, defaults: { now: () => clock } });
beforeEach(() => (clock = T0));

const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)';
const LAPTOP = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0';

async function loginWith(api: FakeJwtApi, userAgent: string, email = 'alice@example.com', password = 'alice123'): Promise<AuthResult> {
  return (await request(api.app).post('/auth/login').set('User-Agent', userAgent).send({ email, password }).expect(200)).body as AuthResult;
}
const sidOf = (token: string): string => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sid;
const list = (api: FakeJwtApi, token: string) => requestAs(api.app, token, 'GET', '/auth/sessions');

describe('GET /auth/sessions', () => {
  it("lists the caller's own sessions: id (the sid), times, user agent, which one is current", async () => {
    const api = await harness.serve();
    const phone = await loginWith(api, PHONE);
    clock += 60_000;
    const laptop = await loginWith(api, LAPTOP);
    await loginWith(api, LAPTOP, 'bob@example.com', 'bob12345');
    const answer = await list(api, laptop.accessToken).expect(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.body).toEqual([
      { id: sidOf(laptop.accessToken), current: true, createdAt: new Date(T0 + 60_000).toISOString(), lastUsedAt: expect.any(String), userAgent: LAPTOP },
      { id: sidOf(phone.accessToken), current: false, createdAt: new Date(T0).toISOString(), lastUsedAt: new Date(T0).toISOString(), userAgent: PHONE },
    ]);
  });

  it('never shows a token or a hash of one, nor any stored field beyond the listed ones', async () => {
    const api = await harness.serve();
    const pair = await loginWith(api, PHONE);
    const renewed = (await request(api.app).post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(200)).body as AuthResult;
    const text = (await list(api, renewed.accessToken).expect(200)).text;
    const stored = api.sessions.activeSession(sidOf(renewed.accessToken))!;
    for (const secret of [pair.refreshToken, renewed.refreshToken, pair.accessToken, renewed.accessToken, stored.refreshHash, ...stored.spent]) {
      expect(text).not.toContain(secret);
    }
    expect(Object.keys(JSON.parse(text)[0]).sort()).toEqual(['createdAt', 'current', 'id', 'lastUsedAt', 'userAgent']);
  });

  it('moves "last used" at each refresh and each authenticated request, without writing the sessions file', async () => {
    const api = await harness.serve();
    const pair = await loginWith(api, PHONE);
    const fileBefore = harness.project.read('.fake-jwt-api/sessions.json');
    clock += 5 * 60_000;
    await requestAs(api.app, pair.accessToken, 'GET', '/posts').expect(200);
    await api.sessions.settled();
    expect(harness.project.read('.fake-jwt-api/sessions.json')).toBe(fileBefore); // reads never write
    clock += 60_000;
    const phoneSeen = (await list(api, pair.accessToken).expect(200)).body[0].lastUsedAt;
    expect(phoneSeen).toBe(new Date(T0 + 6 * 60_000).toISOString()); // the listing itself is a use too
    clock += 60_000;
    const renewed = (await request(api.app).post('/auth/refresh').set('User-Agent', LAPTOP).send({ refreshToken: pair.refreshToken }).expect(200))
      .body as AuthResult;
    const [session] = (await list(api, renewed.accessToken).expect(200)).body;
    expect(session).toMatchObject({ lastUsedAt: new Date(T0 + 7 * 60_000).toISOString(), userAgent: LAPTOP });
  });

  it('keeps a long user agent short, and a missing one as null', async () => {
    const api = await harness.serve();
    const long = await loginWith(api, 'A'.repeat(5000));
    await request(api.app).post('/auth/login').set('User-Agent', '').send({ email: 'alice@example.com', password: 'alice123' }).expect(200);
    const agents = (await list(api, long.accessToken).expect(200)).body.map((session: { userAgent: string | null }) => session.userAgent);
    expect(agents.map((agent: string | null) => agent?.length ?? null).sort()).toEqual([256, null]);
  });

  it('needs a valid access token: none, a refresh token, a forged or a logged-out one is a 401', async () => {
    const api = await harness.serve();
    const pair = await loginWith(api, PHONE);
    const [header, payload] = pair.accessToken.split('.');
    for (const token of [undefined, pair.refreshToken, `${header}.${payload}.AAAA`, `${header}.${payload}.`])
      expect((await requestAs(api.app, token, 'GET', '/auth/sessions').expect(401)).body.error).toBe('invalid_token');
    await requestAs(api.app, pair.accessToken, 'POST', '/auth/logout').expect(204);
    await list(api, pair.accessToken).expect(401);
  });

  it('lists no ended session', async () => {
    const api = await harness.serve();
    const old = await loginWith(api, PHONE);
    await requestAs(api.app, old.accessToken, 'POST', '/auth/logout').expect(204);
    const current = await loginWith(api, LAPTOP);
    expect((await list(api, current.accessToken).expect(200)).body.map((session: { id: string }) => session.id)).toEqual([sidOf(current.accessToken)]);
  });
});

describe('DELETE /auth/sessions/:id', () => {
  it('signs another device out: its access and refresh tokens are refused at once, this one lives', async () => {
    const api = await harness.serve();
    const phone = await loginWith(api, PHONE);
    const laptop = await loginWith(api, LAPTOP);
    await requestAs(api.app, laptop.accessToken, 'DELETE', `/auth/sessions/${sidOf(phone.accessToken)}`).expect(204);
    expect((await requestAs(api.app, phone.accessToken, 'GET', '/posts').expect(401)).body.error).toBe('invalid_token');
    expect((await request(api.app).post('/auth/refresh').send({ refreshToken: phone.refreshToken }).expect(401)).body.error).toBe('invalid_grant');
    await requestAs(api.app, laptop.accessToken, 'GET', '/posts').expect(200);
    expect((await list(api, laptop.accessToken).expect(200)).body).toHaveLength(1);
  });

  it("answers another user's session, an unknown id and an ended one with the same 404, and ends nothing", async () => {
    const api = await harness.serve();
    const alice = await loginWith(api, LAPTOP);
    const bob = await loginWith(api, PHONE, 'bob@example.com', 'bob12345');
    const ended = await loginWith(api, PHONE);
    await requestAs(api.app, ended.accessToken, 'POST', '/auth/logout').expect(204);
    const ids = [
      sidOf(bob.accessToken),
      sidOf(ended.accessToken),
      '00000000-0000-4000-8000-000000000000',
      'x',
      '..%2F..%2Fusers',
      encodeURIComponent(bob.refreshToken),
    ];
    const answers = [];
    for (const id of ids) answers.push((await requestAs(api.app, alice.accessToken, 'DELETE', `/auth/sessions/${id}`).expect(404)).body);
    expect(new Set(answers.map((body) => JSON.stringify(body))).size).toBe(1);
    expect(answers[0].error).toBe('not_found');
    await requestAs(api.app, bob.accessToken, 'GET', '/posts').expect(200);
    await request(api.app).post('/auth/refresh').send({ refreshToken: bob.refreshToken }).expect(200);
  });

  it('needs a valid access token, even with a good refresh token in the body', async () => {
    const api = await harness.serve();
    const phone = await loginWith(api, PHONE);
    await request(api.app)
      .delete(`/auth/sessions/${sidOf(phone.accessToken)}`)
      .send({ refreshToken: phone.refreshToken })
      .expect(401);
    await requestAs(api.app, phone.accessToken, 'GET', '/posts').expect(200);
  });

  it('ends the current session too, when it is the one named (a logout)', async () => {
    const api = await harness.serve();
    const pair = await loginWith(api, PHONE);
    await requestAs(api.app, pair.accessToken, 'DELETE', `/auth/sessions/${sidOf(pair.accessToken)}`).expect(204);
    await requestAs(api.app, pair.accessToken, 'GET', '/posts').expect(401);
  });

  it('and logout-all: every session listed is ended, and the list is unreachable with any of them', async () => {
    const api = await harness.serve();
    const phone = await loginWith(api, PHONE);
    const laptop = await loginWith(api, LAPTOP);
    expect((await list(api, phone.accessToken).expect(200)).body).toHaveLength(2);
    await requestAs(api.app, phone.accessToken, 'POST', '/auth/logout-all').expect(204);
    await list(api, phone.accessToken).expect(401);
    await list(api, laptop.accessToken).expect(401);
    const again = await loginWith(api, PHONE);
    expect((await list(api, again.accessToken).expect(200)).body).toHaveLength(1);
  });

  it('survives a restart: a deleted session stays ended, the list reads the file', async () => {
    const first = await harness.serve();
    const phone = await loginWith(first, PHONE);
    const laptop = await loginWith(first, LAPTOP);
    await requestAs(first.app, laptop.accessToken, 'DELETE', `/auth/sessions/${sidOf(phone.accessToken)}`).expect(204);
    await first.close();
    const second = await harness.serve();
    await requestAs(second.app, phone.accessToken, 'GET', '/posts').expect(401);
    expect((await list(second, laptop.accessToken).expect(200)).body).toEqual([expect.objectContaining({ current: true, userAgent: LAPTOP })]);
  });
});

describe('an older sessions.json, without user agents or last use', () => {
  it('loads, and lists its sessions with a null user agent and their login or last refresh as last use', async () => {
    const api = await harness.serve();
    const pair = await loginPair(api.app, 'alice@example.com', 'alice123');
    await api.close();
    const file = harness.project.json('.fake-jwt-api/sessions.json') as { sessions: Array<Record<string, unknown>> };
    for (const session of file.sessions) {
      delete session.userAgent;
      delete session.lastUsedAt;
    }
    harness.project.write('.fake-jwt-api/sessions.json', file);
    const restarted = await harness.serve();
    expect((await list(restarted, pair.accessToken).expect(200)).body).toEqual([
      { id: sidOf(pair.accessToken), current: true, createdAt: new Date(T0).toISOString(), lastUsedAt: expect.any(String), userAgent: null },
    ]);
  });
});

import request from 'supertest';
import { makeProject, SAMPLE_USERS, type Project } from '../support';
import { createServer, type FakeJwtApi } from '../../src/app/create-server';
import type { ServerOptions } from '../../src/config/options';

// Issue 10: only a current refresh token (or a good access token) names a session to end. An old token, spent or of
// a session that has ended, must never be a way to end the victim's newer sessions.

interface Pair {
  accessToken: string;
  refreshToken: string;
}

let project: Project;
let clock: number;
let api: FakeJwtApi;
const MINUTE = 60_000;

const serve = (options: Partial<ServerOptions> = {}) =>
  createServer({ db: project.file('db.json'), logger: false, accessTtl: '15m', refreshTtl: '1d', sessionTtl: '7d', now: () => clock, ...options });

beforeEach(async () => {
  project = makeProject({ 'db.json': { posts: [{ id: 1, title: 'p' }] }, 'users.json': SAMPLE_USERS });
  clock = Date.parse('2026-03-01T12:00:00Z');
  api = await serve();
});
afterEach(async () => {
  await api.close();
  project.cleanup();
});

const loginAlice = async (): Promise<Pair> =>
  (await request(api.app).post('/auth/login').send({ email: 'alice@example.com', password: 'alice123' }).expect(200)).body;
const refresh = (refreshToken: string) => request(api.app).post('/auth/refresh').send({ refreshToken });
const alive = async (pair: Pair) => (await request(api.app).get('/auth/me').set('Authorization', `Bearer ${pair.accessToken}`)).status === 200;
const post = (path: string, body: object, accessToken?: string) => {
  const sent = request(api.app).post(path);
  if (accessToken) sent.set('Authorization', `Bearer ${accessToken}`);
  return sent.send(body);
};

/** The old tokens an attacker may hold, each of a session that is over by the time the victim logs in again. */
const oldTokens: Array<[string, () => Promise<string>]> = [
  [
    'a spent refresh token of a session ended by logout',
    async () => {
      const first = await loginAlice();
      const second = (await refresh(first.refreshToken).expect(200)).body as Pair;
      await post('/auth/logout', {}, second.accessToken).expect(204);
      return first.refreshToken;
    },
  ],
  [
    'the last refresh token of a session ended by logout',
    async () => {
      const pair = await loginAlice();
      await post('/auth/logout', {}, pair.accessToken).expect(204);
      return pair.refreshToken;
    },
  ],
  [
    'a spent refresh token of a session ended by its reuse',
    async () => {
      const first = await loginAlice();
      await refresh(first.refreshToken).expect(200);
      clock += MINUTE;
      await refresh(first.refreshToken).expect(401); // the theft signal: the session is over
      return first.refreshToken;
    },
  ],
  [
    'the refresh token of a session past its lifetime',
    async () => {
      const pair = await loginAlice();
      clock += 7 * 24 * 60 * MINUTE + 5 * MINUTE; // past its 7 days, still remembered (see the next test)
      return pair.refreshToken;
    },
  ],
  [
    'an expired refresh token',
    async () => {
      const pair = await loginAlice();
      clock += 25 * 60 * MINUTE;
      return pair.refreshToken;
    },
  ],
];

describe.each(oldTokens)('%s', (_kind, oldToken) => {
  it("POST /auth/logout-all with it is a 401 invalid_grant, and the victim's newer sessions live on", async () => {
    const old = await oldToken();
    const [phone, laptop] = [await loginAlice(), await loginAlice()];
    const response = await post('/auth/logout-all', { refreshToken: old }).expect(401);
    expect(response.body.error).toBe('invalid_grant');
    expect(await alive(phone)).toBe(true);
    expect(await alive(laptop)).toBe(true);
    await refresh(laptop.refreshToken).expect(200);
  });

  it('POST /auth/logout with it ends nothing', async () => {
    const old = await oldToken();
    const phone = await loginAlice();
    expect((await post('/auth/logout', { refreshToken: old }).expect(401)).body.error).toBe('invalid_grant');
    expect(await alive(phone)).toBe(true);
  });

  it('POST /auth/revoke with it answers 200 and ends nothing', async () => {
    const old = await oldToken();
    const phone = await loginAlice();
    await post('/auth/revoke', { token: old, token_type_hint: 'refresh_token' }).expect(200);
    expect(await alive(phone)).toBe(true);
  });

  it("with a good access token alongside, logout ends that token's session only; logout-all, that user's", async () => {
    const old = await oldToken();
    const [phone, laptop] = [await loginAlice(), await loginAlice()];
    const bob = (await request(api.app).post('/auth/login').send({ email: 'bob@example.com', password: 'bob12345' }).expect(200)).body as Pair;
    await post('/auth/logout', { refreshToken: old }, phone.accessToken).expect(204);
    expect(await alive(phone)).toBe(false);
    expect(await alive(laptop)).toBe(true);
    await post('/auth/logout-all', { refreshToken: old }, bob.accessToken).expect(204);
    expect(await alive(bob)).toBe(false);
    expect(await alive(laptop)).toBe(true);
  });
});

it('a refresh token so old it is forgotten is unknown: logout-all and logout with it end nothing, even beside a good access token', async () => {
  const old = (await loginAlice()).refreshToken;
  clock += 8 * 24 * 60 * MINUTE;
  const phone = await loginAlice();
  expect((await post('/auth/logout-all', { refreshToken: old }).expect(401)).body.error).toBe('invalid_grant');
  await post('/auth/logout', { refreshToken: old }, phone.accessToken).expect(401);
  expect(await alive(phone)).toBe(true);
});

describe('a spent refresh token of a session still alive (the thief refreshed first)', () => {
  it('logout-all with it ends that one session, as a refresh with it would, and no other', async () => {
    const stolen = await loginAlice();
    const thief = (await refresh(stolen.refreshToken).expect(200)).body as Pair;
    const laptop = await loginAlice();
    clock += MINUTE;
    expect((await post('/auth/logout-all', { refreshToken: stolen.refreshToken }).expect(401)).body.error).toBe('invalid_grant');
    expect(await alive(thief)).toBe(false);
    await refresh(thief.refreshToken).expect(401);
    expect(await alive(laptop)).toBe(true);
  });

  it('revoke with it ends that session too, and no other', async () => {
    const stolen = await loginAlice();
    const thief = (await refresh(stolen.refreshToken).expect(200)).body as Pair;
    const laptop = await loginAlice();
    clock += MINUTE;
    await post('/auth/revoke', { token: stolen.refreshToken }).expect(200);
    expect(await alive(thief)).toBe(false);
    expect(await alive(laptop)).toBe(true);
  });
});

describe('what names a session still does', () => {
  it("a current refresh token: logout-all ends every session of its user, and no one else's", async () => {
    const [phone, laptop] = [await loginAlice(), await loginAlice()];
    const bob = (await request(api.app).post('/auth/login').send({ email: 'bob@example.com', password: 'bob12345' }).expect(200)).body as Pair;
    await post('/auth/logout-all', { refreshToken: phone.refreshToken }).expect(204);
    expect(await alive(phone)).toBe(false);
    expect(await alive(laptop)).toBe(false);
    expect(await alive(bob)).toBe(true);
  });

  it('a current refresh token after a rotation: logout and revoke end its session', async () => {
    const first = await loginAlice();
    const second = (await refresh(first.refreshToken).expect(200)).body as Pair;
    await post('/auth/logout', { refreshToken: second.refreshToken }).expect(204);
    expect(await alive(second)).toBe(false);
    const other = await loginAlice();
    await post('/auth/revoke', { token: other.refreshToken }).expect(200);
    expect(await alive(other)).toBe(false);
  });

  it('a refresh token whose account was replaced by hand names nothing, though its session was live', async () => {
    const bob = (await request(api.app).post('/auth/login').send({ email: 'bob@example.com', password: 'bob12345' }).expect(200)).body as Pair;
    await api.close();
    const users = (project.json('users.json') as Array<{ id: number }>).filter((user) => user.id !== 3);
    project.write('users.json', [...users, { id: 3, email: 'carol@example.com', password: 'carol-pass' }]);
    api = await serve();
    const carol = (await request(api.app).post('/auth/login').send({ email: 'carol@example.com', password: 'carol-pass' }).expect(200)).body as Pair;
    expect((await post('/auth/logout-all', { refreshToken: bob.refreshToken }).expect(401)).body.error).toBe('invalid_grant');
    expect(await alive(carol)).toBe(true);
  });
});

describe('cookie mode', () => {
  it("a stale cookie of an ended session does not stop a logout from ending the access token's session", async () => {
    await api.close();
    api = await serve({ cookie: true });
    const first = await request(api.app).post('/auth/login').send({ email: 'alice@example.com', password: 'alice123' }).expect(200);
    const staleCookie = (first.headers['set-cookie'] as unknown as string[]).find((line) => line.startsWith('fja_refresh='))!.split(';')[0];
    await post('/auth/logout', {}, first.body.accessToken).expect(204);
    const [phone, laptop] = [await loginAlice(), await loginAlice()];
    await request(api.app).post('/auth/logout-all').set('Cookie', staleCookie).send({}).expect(401);
    expect(await alive(phone)).toBe(true);
    await request(api.app).post('/auth/logout').set('Cookie', staleCookie).set('Authorization', `Bearer ${phone.accessToken}`).send({}).expect(204);
    expect(await alive(phone)).toBe(false);
    expect(await alive(laptop)).toBe(true);
  });
});

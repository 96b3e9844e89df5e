import request from 'supertest';
import { call, loginPair, makeProject, pollUntil, SAMPLE_USERS, startCli, type Project } from '../support';
import { createServer, type FakeJwtApi } from '../../src/app/create-server';
import type { ServerOptions } from '../../src/config/options';

let project: Project;
let clock: number;
const MINUTE = 60_000;

beforeEach(() => {
  project = makeProject({ 'db.json': { posts: [{ id: 1, title: 'p' }] }, 'users.json': SAMPLE_USERS });
  clock = Date.parse('2026-03-01T12:00:00Z');
});
let opened: FakeJwtApi[] = [];
afterEach(async () => {
  // Every change on disk (a deletion's session ending runs in the background) before the folder goes.
  await Promise.all(opened.map((api) => api.close()));
  opened = [];
  project.cleanup();
});

const serve = async (options: Partial<ServerOptions> = {}) => {
  const api = await createServer({
    db: project.file('db.json'),
    logger: false,
    accessTtl: '15m',
    refreshTtl: '1d',
    sessionTtl: '7d',
    now: () => clock,
    ...options,
  });
  opened.push(api);
  return api;
};

interface Pair {
  accessToken: string;
  refreshToken: string;
}

/** alice unless told: the account most of these sessions belong to. */
const loginAs = (api: FakeJwtApi, email = 'alice@example.com', password = 'alice123') => loginPair(api.app, email, password);
const read = (api: FakeJwtApi, token: string) => request(api.app).get('/posts').set('Authorization', `Bearer ${token}`);
const refresh = (api: FakeJwtApi, refreshToken: string) => request(api.app).post('/auth/refresh').send({ refreshToken });

describe('refresh', () => {
  it('trades a refresh token for a new pair and spends the old one', async () => {
    const api = await serve();
    const first = await loginAs(api);
    const second = (await refresh(api, first.refreshToken).expect(200)).body;
    expect(second).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
      user: expect.objectContaining({ id: 2 }),
    });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await read(api, second.accessToken).expect(200);
    await request(api.app).post('/auth/refresh').send({ refresh_token: second.refreshToken }).expect(200); // RFC 6749 spelling
  });

  it('treats a spent token presented again as theft: the whole session ends, access tokens included', async () => {
    const api = await serve();
    const stolen = await loginAs(api);
    const victim = (await refresh(api, stolen.refreshToken).expect(200)).body as Pair;
    clock += 10_000; // a replay, not two tabs refreshing at the same moment
    const replay = await refresh(api, stolen.refreshToken).expect(401);
    expect(replay.body.error).toBe('invalid_grant');
    expect((await refresh(api, victim.refreshToken).expect(401)).body.error).toBe('invalid_grant');
    expect((await read(api, victim.accessToken).expect(401)).body.error).toBe('invalid_token');
    await read(api, stolen.accessToken).expect(401);
  });

  it('three refreshes racing with one token all get the same successor (--refresh-reuse-interval), and the session lives', async () => {
    const api = await serve();
    const pair = await loginAs(api);
    const results = await Promise.all([refresh(api, pair.refreshToken), refresh(api, pair.refreshToken), refresh(api, pair.refreshToken)]);
    expect(results.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(new Set(results.map((response) => response.body.refreshToken)).size).toBe(1);
    const winner = results[0].body as Pair;
    await read(api, winner.accessToken).expect(200);
    await refresh(api, winner.refreshToken).expect(200);
  });

  it('refuses an unknown, malformed or missing refresh token', async () => {
    const api = await serve();
    expect((await refresh(api, 'A'.repeat(43)).expect(401)).body.error).toBe('invalid_grant');
    expect((await request(api.app).post('/auth/refresh').send({ refreshToken: 42 }).expect(400)).body.error).toBe('invalid_request');
    await request(api.app).post('/auth/refresh').send({}).expect(400);
  });

  it('never takes one kind of token for the other', async () => {
    const api = await serve();
    const pair = await loginAs(api);
    expect((await read(api, pair.refreshToken).expect(401)).body.error).toBe('invalid_token');
    expect((await refresh(api, pair.accessToken).expect(401)).body.error).toBe('invalid_grant');
  });
});

describe('expiry, with the clock moved instead of waited for', () => {
  it('the access token dies at its exp; refresh still works until the refresh token expires', async () => {
    const api = await serve();
    const pair = await loginAs(api);
    clock += 16 * MINUTE;
    await read(api, pair.accessToken).expect(401);
    const renewed = (await refresh(api, pair.refreshToken).expect(200)).body as Pair;
    await read(api, renewed.accessToken).expect(200);
    clock += 25 * 60 * MINUTE;
    expect((await refresh(api, renewed.refreshToken).expect(401)).body.error).toBe('invalid_grant');
  });

  it('a session ends at its absolute lifetime however often it refreshes', async () => {
    const api = await serve();
    let pair = await loginAs(api);
    for (let day = 0; day < 6; day++) {
      clock += 20 * 60 * MINUTE;
      pair = (await refresh(api, pair.refreshToken).expect(200)).body;
    }
    clock += 2 * 24 * 60 * MINUTE; // past 7 days since login, though the last refresh token is young
    await refresh(api, pair.refreshToken).expect(401);
  });
});

describe('logout that logs out', () => {
  it('ends this session at once: its access token and its refresh token; other devices stay in', async () => {
    const api = await serve();
    const phone = await loginAs(api);
    const laptop = await loginAs(api);
    await request(api.app).post('/auth/logout').set('Authorization', `Bearer ${phone.accessToken}`).expect(204);
    expect((await read(api, phone.accessToken).expect(401)).headers['www-authenticate']).toMatch(/session has ended/);
    await refresh(api, phone.refreshToken).expect(401);
    await read(api, laptop.accessToken).expect(200);
    await refresh(api, laptop.refreshToken).expect(200);
  });

  it('works with the refresh token alone, once the access token has expired', async () => {
    const api = await serve();
    const pair = await loginAs(api);
    clock += 30 * MINUTE;
    await request(api.app).post('/auth/logout').send({ refreshToken: pair.refreshToken }).expect(204);
    await refresh(api, pair.refreshToken).expect(401);
  });

  it('a logout with an expired access token and the refresh token still ends the session', async () => {
    const api = await serve();
    const pair = await loginAs(api);
    clock += 30 * MINUTE;
    await request(api.app).post('/auth/logout').set('Authorization', `Bearer ${pair.accessToken}`).send({ refreshToken: pair.refreshToken }).expect(204);
    await refresh(api, pair.refreshToken).expect(401);
  });

  it('a logout naming no session is a 401 invalid_token; one naming an unknown refresh token changes nothing', async () => {
    const api = await serve();
    const pair = await loginAs(api);
    expect((await request(api.app).post('/auth/logout').expect(401)).body.error).toBe('invalid_token');
    const before = project.read('.fake-jwt-api/sessions.json');
    await request(api.app)
      .post('/auth/logout')
      .set('Authorization', `Bearer ${pair.accessToken}`)
      .send({ refreshToken: 'B'.repeat(43) })
      .expect(401);
    expect(project.read('.fake-jwt-api/sessions.json')).toBe(before);
    await read(api, pair.accessToken).expect(200);
  });

  it("logout-all ends every session of the user on every device, and no one else's", async () => {
    const api = await serve();
    const phone = await loginAs(api);
    const laptop = await loginAs(api);
    const bob = await loginAs(api, 'bob@example.com', 'bob12345');
    await request(api.app).post('/auth/logout-all').set('Authorization', `Bearer ${laptop.accessToken}`).expect(204);
    for (const pair of [phone, laptop]) {
      await read(api, pair.accessToken).expect(401);
      await refresh(api, pair.refreshToken).expect(401);
    }
    await read(api, bob.accessToken).expect(200);
  });

  it('stays logged out after a restart (the sessions are on disk)', async () => {
    const api = await serve();
    const out = await loginAs(api);
    const kept = await loginAs(api);
    const rotated = (await refresh(api, kept.refreshToken).expect(200)).body as Pair;
    await request(api.app).post('/auth/logout').set('Authorization', `Bearer ${out.accessToken}`).expect(204);
    const restarted = await serve();
    await read(restarted, out.accessToken).expect(401);
    await refresh(restarted, out.refreshToken).expect(401);
    const renewed = (await refresh(restarted, rotated.refreshToken).expect(200)).body as Pair; // the rotation was saved
    await refresh(restarted, kept.refreshToken).expect(401); // spent before the restart: still spent, and a theft signal
    await read(restarted, renewed.accessToken).expect(401);
  });

  it('forgets sessions once nothing of them can be alive, so the state does not grow without end', async () => {
    const api = await serve();
    for (let index = 0; index < 5; index++) await loginAs(api);
    expect((project.json('.fake-jwt-api/sessions.json') as { sessions: unknown[] }).sessions).toHaveLength(5);
    clock += 8 * 24 * 60 * MINUTE;
    await loginAs(api);
    expect((project.json('.fake-jwt-api/sessions.json') as { sessions: unknown[] }).sessions).toHaveLength(1);
  });
});

describe('changes to the account take effect on the next request', () => {
  it('a password change ends the other sessions and keeps this one', async () => {
    const api = await serve();
    const thief = await loginAs(api);
    const owner = await loginAs(api);
    await request(api.app)
      .post('/auth/password')
      .set('Authorization', `Bearer ${owner.accessToken}`)
      .send({ currentPassword: 'wrong', newPassword: 'new-password-1' })
      .expect(403);
    await request(api.app)
      .post('/auth/password')
      .set('Authorization', `Bearer ${owner.accessToken}`)
      .send({ currentPassword: 'alice123', newPassword: 'short' })
      .expect(400);
    await request(api.app)
      .post('/auth/password')
      .set('Authorization', `Bearer ${owner.accessToken}`)
      .send({ currentPassword: 'alice123', newPassword: 'new-password-1' })
      .expect(204);
    await read(api, thief.accessToken).expect(401);
    await refresh(api, thief.refreshToken).expect(401);
    await read(api, owner.accessToken).expect(200);
    await request(api.app).post('/auth/login').send({ email: 'alice@example.com', password: 'alice123' }).expect(401);
    await loginAs(api, 'alice@example.com', 'new-password-1');
  });

  it("an admin's role change applies to tokens already issued; a deletion kills them", async () => {
    const api = await serve();
    const admin = await loginAs(api, 'admin@example.com', 'admin123');
    const alice = await loginAs(api);
    await read(api, alice.accessToken).expect(200);
    await request(api.app).get('/db').set('Authorization', `Bearer ${alice.accessToken}`).expect(403);
    await request(api.app).patch('/auth/users/2').set('Authorization', `Bearer ${admin.accessToken}`).send({ role: 'admin' }).expect(200);
    await request(api.app).get('/db').set('Authorization', `Bearer ${alice.accessToken}`).expect(200);
    await request(api.app).delete('/auth/users/2').set('Authorization', `Bearer ${admin.accessToken}`).expect(204);
    expect((await read(api, alice.accessToken).expect(401)).headers['www-authenticate']).toMatch(/no longer exists|session has ended/);
    await refresh(api, alice.refreshToken).expect(401);
  });

  it('an account deleted from users.json by hand loses its sessions at once, and a newcomer neither gets its id nor inherits them', async () => {
    const api = await serve({ watchUsers: true });
    const dave = (await request(api.app).post('/auth/register').send({ email: 'dave@example.com', password: 'dave-password' }).expect(201)).body;
    expect(dave.user.id).toBe(4);
    project.write(
      'users.json',
      (project.json('users.json') as Array<{ email: string }>).filter((user) => user.email !== 'dave@example.com'),
    );
    const status = await pollUntil(
      async () => (await read(api, dave.accessToken)).status,
      (seen) => seen !== 200,
      50,
      20,
    );
    expect(status).toBe(401);
    const eve = (await request(api.app).post('/auth/register').send({ email: 'eve@example.com', password: 'eve-password' }).expect(201)).body;
    expect(eve.user.id).toBe(5); // dave's id is never handed out again
    await request(api.app).get('/auth/me').set('Authorization', `Bearer ${dave.accessToken}`).expect(401);
    await refresh(api, dave.refreshToken).expect(401);
    await api.close();
  });

  it('--single-session: parallel logins leave exactly one session alive', async () => {
    const api = await serve({ singleSession: true });
    const pairs = await Promise.all([loginAs(api), loginAs(api), loginAs(api)]);
    const alive = await Promise.all(pairs.map(async (pair) => (await read(api, pair.accessToken)).status === 200));
    expect(alive.filter(Boolean)).toHaveLength(1);
  });

  it('--single-session: a new login ends the earlier ones', async () => {
    const api = await serve({ singleSession: true });
    const phoneA = await loginAs(api);
    const phoneB = await loginAs(api);
    await read(api, phoneA.accessToken).expect(401);
    await refresh(api, phoneA.refreshToken).expect(401);
    await read(api, phoneB.accessToken).expect(200);
  });
});

describe('RFC 7009 revoke and RFC 7662 introspect', () => {
  it('revoke: holding the token is enough; 200 even for an unknown token', async () => {
    const api = await serve();
    const pair = await loginAs(api);
    const other = (await refresh(api, pair.refreshToken).expect(200)).body as Pair;
    await request(api.app).post('/auth/revoke').type('form').send({ token: other.accessToken, token_type_hint: 'access_token' }).expect(200);
    await read(api, other.accessToken).expect(401);
    await refresh(api, other.refreshToken).expect(200); // revoking one access token leaves the session
    await request(api.app).post('/auth/revoke').send({ token: 'nothing-we-know' }).expect(200);
    await request(api.app).post('/auth/revoke').send({}).expect(400);
  });

  it('revoking a refresh token ends its session, access tokens included', async () => {
    const api = await serve();
    const pair = await loginAs(api);
    await request(api.app).post('/auth/revoke').send({ token: pair.refreshToken, token_type_hint: 'refresh_token' }).expect(200);
    await read(api, pair.accessToken).expect(401);
    await refresh(api, pair.refreshToken).expect(401);
  });

  it('introspect tells an admin whether a token is active, and refuses everyone else', async () => {
    const api = await serve();
    const admin = await loginAs(api, 'admin@example.com', 'admin123');
    const alice = await loginAs(api);
    const introspect = (token: string) =>
      request(api.app).post('/auth/introspect').set('Authorization', `Bearer ${admin.accessToken}`).send({ token }).expect(200);
    expect((await introspect(alice.accessToken)).body).toMatchObject({
      active: true,
      token_type: 'access_token',
      sub: '2',
      role: 'user',
      exp: expect.any(Number),
      sid: expect.any(String),
    });
    expect((await introspect(alice.refreshToken)).body).toMatchObject({ active: true, token_type: 'refresh_token', sub: '2' });
    expect((await introspect('garbage')).body).toEqual({ active: false });
    await request(api.app).post('/auth/logout').set('Authorization', `Bearer ${alice.accessToken}`).expect(204);
    expect((await introspect(alice.accessToken)).body).toEqual({ active: false });
    expect((await introspect(alice.refreshToken)).body).toEqual({ active: false });
    const bob = await loginAs(api, 'bob@example.com', 'bob12345');
    await request(api.app).post('/auth/introspect').set('Authorization', `Bearer ${bob.accessToken}`).send({ token: bob.accessToken }).expect(403);
  });
});

describe('cookie mode', () => {
  const APP = 'http://app.example';
  const cookieOf = (response: request.Response) =>
    (response.headers['set-cookie'] as unknown as string[] | undefined)?.find((line) => line.startsWith('fja_refresh='));

  it('sends the refresh token only in an HttpOnly cookie on /auth, and refreshes from it', async () => {
    const api = await serve({ cookie: true, corsOrigins: [APP] });
    const login = await request(api.app).post('/auth/login').send({ email: 'alice@example.com', password: 'alice123' }).expect(200);
    expect(login.body).not.toHaveProperty('refreshToken');
    const cookie = cookieOf(login)!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Path=\/auth/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const refreshed = await request(api.app).post('/auth/refresh').set('Cookie', cookie.split(';')[0]).set('Origin', APP).send({}).expect(200);
    expect(refreshed.headers['access-control-allow-origin']).toBe(APP);
    expect(refreshed.headers['access-control-allow-credentials']).toBe('true');
    const rotated = cookieOf(refreshed)!;
    expect(rotated.split(';')[0]).not.toBe(cookie.split(';')[0]);
    await request(api.app).post('/auth/logout').set('Cookie', rotated.split(';')[0]).send({}).expect(204);
    await request(api.app).post('/auth/refresh').set('Cookie', rotated.split(';')[0]).send({}).expect(401);
  });

  it("logout ends the session of the access token sent, even when the cookie is another tab's login", async () => {
    const api = await serve({ cookie: true });
    const alice = await request(api.app).post('/auth/login').send({ email: 'alice@example.com', password: 'alice123' }).expect(200);
    // A second tab logs in as bob: the browser's one cookie is now bob's.
    const bob = await request(api.app).post('/auth/login').send({ email: 'bob@example.com', password: 'bob12345' }).expect(200);
    const bobCookie = cookieOf(bob)!.split(';')[0];
    await request(api.app).post('/auth/logout').set('Authorization', `Bearer ${alice.body.accessToken}`).set('Cookie', bobCookie).send({}).expect(204);
    // Both sessions named by what was sent end: alice's token, the one the caller logged out with, first of all.
    await request(api.app).get('/auth/me').set('Authorization', `Bearer ${alice.body.accessToken}`).expect(401);
    await request(api.app).get('/auth/me').set('Authorization', `Bearer ${bob.body.accessToken}`).expect(401);
  });

  it('refuses a cookie refresh a cross-site form could send, or one from an origin not allowed', async () => {
    const api = await serve({ cookie: true, corsOrigins: [APP] });
    const login = await request(api.app).post('/auth/login').send({ email: 'alice@example.com', password: 'alice123' }).expect(200);
    const cookie = cookieOf(login)!.split(';')[0];
    const form = await request(api.app).post('/auth/refresh').set('Cookie', cookie).type('form').send('a=b').expect(400);
    expect(form.body.error).toBe('invalid_request');
    const foreign = await request(api.app).post('/auth/refresh').set('Cookie', cookie).set('Origin', 'http://evil.example').send({}).expect(403);
    expect(foreign.body.error).toBe('forbidden');
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    await request(api.app).post('/auth/refresh').set('Cookie', cookie).send({}).expect(200); // still usable: nothing was spent
  });

  it('without --cors-origin, cookie mode answers no cross-origin request with credentials', async () => {
    const api = await serve({ cookie: true });
    const preflight = await request(api.app).options('/auth/refresh').set('Origin', APP).set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('says what a cookie refresh without JSON is missing, and answers a refresh after logout 401 invalid_grant', async () => {
    const api = await serve({ cookie: true });
    const login = await request(api.app).post('/auth/login').send({ email: 'alice@example.com', password: 'alice123' }).expect(200);
    const cookie = cookieOf(login)!.split(';')[0];
    // As curl sends it: the cookie, no body, no Content-Type.
    const bare = await request(api.app).post('/auth/refresh').set('Cookie', cookie).expect(400);
    expect(bare.body.message).toContain('Content-Type: application/json');
    expect(bare.body.message).toContain('refresh cookie');
    const logout = await request(api.app).post('/auth/logout').set('Cookie', cookie).send({}).expect(204);
    expect(String(logout.headers['set-cookie'])).toContain('fja_refresh=;');
    // The browser no longer has the cookie: the session is over, as a 401 says.
    const after = await request(api.app).post('/auth/refresh').send({}).expect(401);
    expect(after.body.error).toBe('invalid_grant');
    expect(after.headers['www-authenticate']).toContain('Bearer');
  });

  it('a malformed refresh cookie is a 4xx, never a 500', async () => {
    const api = await serve({ cookie: true });
    const response = await request(api.app).post('/auth/refresh').set('Cookie', 'fja_refresh=%E0%A4%A').send({});
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_grant');
  });

  it('sets Secure and SameSite as configured', async () => {
    const api = await serve({ cookie: true, cookieSecure: true, cookieSameSite: 'Strict' });
    const login = await request(api.app).post('/auth/login').send({ email: 'alice@example.com', password: 'alice123' }).expect(200);
    expect(cookieOf(login)).toMatch(/Secure/);
    expect(cookieOf(login)).toMatch(/SameSite=Strict/);
  });
});

describe('from the command line', () => {
  it('a restart between logout and the next request keeps the token dead; --access-ttl 10s works', async () => {
    let cli = await startCli(['db.json', '--access-ttl', '10s'], project.dir);
    let out: Pair;
    let kept: Pair;
    try {
      const login = await call(`${cli.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' });
      expect(login.body.expiresIn).toBe(10);
      out = login.body;
      kept = (await call(`${cli.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' })).body;
      expect((await call(`${cli.url}/auth/logout`, 'POST', {}, out.accessToken)).status).toBe(204);
    } finally {
      await cli.stop();
    }
    cli = await startCli(['db.json', '--access-ttl', '10s'], project.dir);
    try {
      expect((await call(`${cli.url}/posts`, 'GET', undefined, out.accessToken)).status).toBe(401);
      expect((await call(`${cli.url}/auth/refresh`, 'POST', { refreshToken: out.refreshToken })).status).toBe(401);
      expect((await call(`${cli.url}/posts`, 'GET', undefined, kept.accessToken)).status).toBe(200);
      expect((await call(`${cli.url}/auth/refresh`, 'POST', { refreshToken: kept.refreshToken })).status).toBe(200);
    } finally {
      await cli.stop();
    }
  });

  it('--cookie with --cors-origin, from the command line', async () => {
    const cli = await startCli(['db.json', '--cookie', '--cors-origin', 'http://app.example'], project.dir);
    try {
      const response = await fetch(`${cli.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://app.example' },
        body: JSON.stringify({ email: 'alice@example.com', password: 'alice123' }),
      });
      expect(response.headers.get('set-cookie')).toMatch(/fja_refresh=.*HttpOnly/);
      expect(response.headers.get('access-control-allow-origin')).toBe('http://app.example');
    } finally {
      await cli.stop();
    }
  });
});

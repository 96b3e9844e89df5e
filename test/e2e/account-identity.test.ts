import request from 'supertest';
import { call, loginPair, makeProject, pollUntil, runCli, SAMPLE_USERS, startCli, type Project } from '../support';
import { createServer, type FakeJwtApi } from '../../src/app/create-server';
import type { ServerOptions } from '../../src/config/options';

// Issue 10: a removed account's tokens must never act as the account that later gets its id, whatever happened
// while the server was down. Sessions are bound to the account's identity (id and email), and ids are not reused.

interface Pair {
  accessToken: string;
  refreshToken: string;
  user: { id: number; email: string };
}
type StoredUser = { id: number | string; email: string; password: string; role?: string };

let project: Project;
let opened: FakeJwtApi[] = [];

beforeEach(() => {
  project = makeProject({ 'db.json': { posts: [{ id: 1, title: 'p', userId: 3 }] }, 'users.json': SAMPLE_USERS });
});
afterEach(async () => {
  await Promise.all(opened.map((api) => api.close()));
  opened = [];
  project.cleanup();
});

const serve = async (options: Partial<ServerOptions> = {}) => {
  const api = await createServer({ db: project.file('db.json'), logger: false, ...options });
  opened.push(api);
  return api;
};
/** Stops a server the way a process exit would leave things: everything on disk, nothing more served. */
const stop = async (api: FakeJwtApi) => {
  opened = opened.filter((other) => other !== api);
  await api.close();
};
const users = () => project.json('users.json') as StoredUser[];
const editUsers = (edit: (list: StoredUser[]) => StoredUser[]) => project.write('users.json', edit(users()));

const loginAs = (api: FakeJwtApi, email: string, password: string): Promise<Pair> => loginPair(api.app, email, password);
const me = (api: FakeJwtApi, token: string) => request(api.app).get('/auth/me').set('Authorization', `Bearer ${token}`);
const refresh = (api: FakeJwtApi, refreshToken: string) => request(api.app).post('/auth/refresh').send({ refreshToken });

/** Every way an old token could still act: an access token, a refresh, and the data it would own. */
async function expectDead(api: FakeJwtApi, pair: Pair): Promise<void> {
  expect((await me(api, pair.accessToken).expect(401)).body.error).toBe('invalid_token');
  await request(api.app).get('/posts').set('Authorization', `Bearer ${pair.accessToken}`).expect(401);
  await request(api.app).patch('/auth/me').set('Authorization', `Bearer ${pair.accessToken}`).send({ name: 'x' }).expect(401);
  expect((await refresh(api, pair.refreshToken).expect(401)).body.error).toBe('invalid_grant');
}

describe('the issue, as reported, through the command line', () => {
  it("Bob logs in; the server stops; Bob is removed by hand; users add carol: Bob's tokens are dead, and Carol has another id", async () => {
    let cli = await startCli(['db.json'], project.dir);
    let bob: Pair;
    try {
      bob = (await call(`${cli.url}/auth/login`, 'POST', { email: 'bob@example.com', password: 'bob12345' })).body;
      expect(bob.user.id).toBe(3);
    } finally {
      await cli.stop();
    }
    editUsers((list) => list.filter((user) => user.email !== 'bob@example.com'));
    const added = await runCli(['users', 'add', 'carol@example.com', '--password', 'carol-pass'], project.dir);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('(id 4,');

    cli = await startCli(['db.json'], project.dir);
    try {
      const asBob = await call(`${cli.url}/auth/me`, 'GET', undefined, bob.accessToken);
      expect(asBob.status).toBe(401);
      expect(asBob.body.error).toBe('invalid_token');
      expect((await call(`${cli.url}/posts`, 'GET', undefined, bob.accessToken)).status).toBe(401);
      const refreshed = await call(`${cli.url}/auth/refresh`, 'POST', { refreshToken: bob.refreshToken });
      expect(refreshed.status).toBe(401);
      expect(refreshed.body.error).toBe('invalid_grant');
      const carol = await call(`${cli.url}/auth/login`, 'POST', { email: 'carol@example.com', password: 'carol-pass' });
      expect(carol.body.user).toMatchObject({ id: 4, email: 'carol@example.com' });
      expect(carol.body.user.id).not.toBe(bob.user.id);
    } finally {
      await cli.stop();
    }
  });

  it("the same with a token from `fake-jwt-api token` and an account added by hand with Bob's id", async () => {
    const made = await runCli(['token', 'bob@example.com'], project.dir);
    expect(made.code).toBe(0);
    const bobToken = made.stdout.trim();
    editUsers((list) => [...list.filter((user) => user.email !== 'bob@example.com'), { id: 3, email: 'carol@example.com', password: 'carol-pass' }]);
    const cli = await startCli(['db.json'], project.dir);
    try {
      expect((await call(`${cli.url}/auth/me`, 'GET', undefined, bobToken)).status).toBe(401);
      expect((await call(`${cli.url}/posts`, 'GET', undefined, bobToken)).status).toBe(401);
    } finally {
      await cli.stop();
    }
  });
});

describe('while the server was down', () => {
  it('Bob removed and another email given his id by hand: his tokens are dead; the newcomer logs in as herself', async () => {
    let api = await serve();
    const bob = await loginAs(api, 'bob@example.com', 'bob12345');
    await stop(api);
    editUsers((list) => [...list.filter((user) => user.id !== 3), { id: 3, email: 'carol@example.com', password: 'carol-pass' }]);
    api = await serve();
    await expectDead(api, bob);
    const carol = await loginAs(api, 'carol@example.com', 'carol-pass');
    expect((await me(api, carol.accessToken).expect(200)).body.email).toBe('carol@example.com');
    // The sessions file says so too: Bob's session ended, for good.
    const { sessions } = project.json('.fake-jwt-api/sessions.json') as { sessions: Array<{ userId: string; endedAt?: number }> };
    expect(sessions.filter((session) => session.userId === '3' && session.endedAt === undefined)).toHaveLength(1); // carol's
  });

  it("Bob removed and a hand-written account without an id added: it gets a new id, not Bob's", async () => {
    let api = await serve();
    const bob = await loginAs(api, 'bob@example.com', 'bob12345');
    await stop(api);
    editUsers((list) => [...list.filter((user) => user.id !== 3), { email: 'carol@example.com', password: 'carol-pass' } as StoredUser]);
    api = await serve();
    await expectDead(api, bob);
    expect((await loginAs(api, 'carol@example.com', 'carol-pass')).user.id).toBe(4);
  });

  it("an email edited by hand ends the account's sessions (document: change emails through the API)", async () => {
    let api = await serve();
    const alice = await loginAs(api, 'alice@example.com', 'alice123');
    await stop(api);
    editUsers((list) => list.map((user) => (user.id === 2 ? { ...user, email: 'someone.else@example.com' } : user)));
    api = await serve();
    await expectDead(api, alice);
    await loginAs(api, 'someone.else@example.com', 'alice123');
  });

  it('a sessions file from before the identities is bound at start to the account that has the id then', async () => {
    let api = await serve();
    const alice = await loginAs(api, 'alice@example.com', 'alice123');
    await stop(api);
    const file = project.json('.fake-jwt-api/sessions.json') as { sessions: Array<Record<string, unknown>> };
    for (const session of file.sessions) delete session.accountIdentity;
    project.write('.fake-jwt-api/sessions.json', file);
    api = await serve();
    expect((await me(api, alice.accessToken).expect(200)).body.email).toBe('alice@example.com');
    const { sessions } = project.json('.fake-jwt-api/sessions.json') as { sessions: Array<{ accountIdentity?: string }> };
    expect(sessions.every((session) => typeof session.accountIdentity === 'string')).toBe(true);
    // From then on it is bound like any other.
    await stop(api);
    editUsers((list) => list.map((user) => (user.id === 2 ? { ...user, email: 'mallory@example.com' } : user)));
    api = await serve();
    await expectDead(api, alice);
  });
});

describe('while the server runs', () => {
  it("DELETE /auth/users/:id, then a registration: the deleted account's tokens are dead, and its id is not reused, even after a restart", async () => {
    let api = await serve();
    const admin = await loginAs(api, 'admin@example.com', 'admin123');
    const bob = await loginAs(api, 'bob@example.com', 'bob12345');
    await request(api.app).delete('/auth/users/3').set('Authorization', `Bearer ${admin.accessToken}`).expect(204);
    const dave = (await request(api.app).post('/auth/register').send({ email: 'dave@example.com', password: 'dave-password' }).expect(201)).body as Pair;
    expect(dave.user.id).toBe(4);
    await expectDead(api, bob);
    // The highest id left in users.json is now 2 after deleting dave too; the mark in the state folder remembers 4.
    await request(api.app).delete('/auth/users/4').set('Authorization', `Bearer ${admin.accessToken}`).expect(204);
    await stop(api);
    expect(Math.max(...users().map((user) => Number(user.id)))).toBe(2);
    api = await serve();
    const erin = (await request(api.app).post('/auth/register').send({ email: 'erin@example.com', password: 'erin-password' }).expect(201)).body as Pair;
    expect(erin.user.id).toBe(5);
    await expectDead(api, dave);
  });

  it('an account replaced by hand in the watched users.json: the old tokens die without a restart', async () => {
    const api = await serve({ watchUsers: true });
    const bob = await loginAs(api, 'bob@example.com', 'bob12345');
    editUsers((list) => list.map((user) => (user.id === 3 ? { id: 3, email: 'carol@example.com', password: 'carol-pass' } : user)));
    const status = await pollUntil(
      async () => (await me(api, bob.accessToken)).status,
      (seen) => seen !== 200,
      50,
      20,
    );
    expect(status).toBe(401);
    await expectDead(api, bob);
  });

  it('an email change through PATCH /auth/me keeps the session: its tokens, its refresh, after a restart too', async () => {
    let api = await serve();
    const alice = await loginAs(api, 'alice@example.com', 'alice123');
    const other = await loginAs(api, 'alice@example.com', 'alice123');
    await request(api.app)
      .patch('/auth/me')
      .set('Authorization', `Bearer ${alice.accessToken}`)
      .send({ email: 'alice.new@example.com', currentPassword: 'alice123' })
      .expect(200);
    expect((await me(api, alice.accessToken).expect(200)).body.email).toBe('alice.new@example.com');
    expect((await me(api, other.accessToken).expect(200)).body.email).toBe('alice.new@example.com');
    const renewed = (await refresh(api, alice.refreshToken).expect(200)).body as Pair;
    await stop(api);
    api = await serve();
    await me(api, renewed.accessToken).expect(200);
    await me(api, other.accessToken).expect(200);
    await refresh(api, renewed.refreshToken).expect(200);
    await refresh(api, other.refreshToken).expect(200);
    // And back again: the identity it had before is its own once more.
    await request(api.app)
      .patch('/auth/me')
      .set('Authorization', `Bearer ${other.accessToken}`)
      .send({ email: 'alice@example.com', currentPassword: 'alice123' })
      .expect(200);
    await me(api, other.accessToken).expect(200);
  });

  it("an email change by an admin (PATCH /auth/users/:id) keeps the account's sessions too", async () => {
    const api = await serve();
    const admin = await loginAs(api, 'admin@example.com', 'admin123');
    const alice = await loginAs(api, 'alice@example.com', 'alice123');
    await request(api.app).patch('/auth/users/2').set('Authorization', `Bearer ${admin.accessToken}`).send({ email: 'alice@corp.example.com' }).expect(200);
    expect((await me(api, alice.accessToken).expect(200)).body.email).toBe('alice@corp.example.com');
    await refresh(api, alice.refreshToken).expect(200);
  });

  it('a `token` session the server has not read yet follows an email change made meanwhile', async () => {
    const cli = await startCli(['db.json'], project.dir);
    try {
      const alice = (await call(`${cli.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' })).body as Pair;
      const made = await runCli(['token', 'alice@example.com'], project.dir);
      expect(made.code).toBe(0);
      expect((await call(`${cli.url}/auth/me`, 'PATCH', { email: 'alice.new@example.com', currentPassword: 'alice123' }, alice.accessToken)).status).toBe(200);
      const seen = await call(`${cli.url}/auth/me`, 'GET', undefined, made.stdout.trim());
      expect(seen.status).toBe(200);
      expect(seen.body.email).toBe('alice.new@example.com');
    } finally {
      await cli.stop();
    }
  });
});

describe('reset', () => {
  it('brings the account-id mark back to its start value with the accounts', async () => {
    const api = await serve({ allowReset: true });
    const register = async (email: string) =>
      ((await request(api.app).post('/auth/register').send({ email, password: 'a-long-password' }).expect(201)).body as Pair).user.id;
    expect(await register('dave@example.com')).toBe(4);
    expect(await register('erin@example.com')).toBe(5);
    expect(project.json('.fake-jwt-api/account-ids.json')).toEqual({ highest: 5, byEmail: {} });
    const admin = await loginAs(api, 'admin@example.com', 'admin123');
    await request(api.app).post('/__reset').set('Authorization', `Bearer ${admin.accessToken}`).expect(204);
    expect(project.json('.fake-jwt-api/account-ids.json')).toEqual({ highest: 3, byEmail: {} });
    expect(await register('frank@example.com')).toBe(4);
    await api.reset();
    expect(await register('frank@example.com')).toBe(4);
  });
});

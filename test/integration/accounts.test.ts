import bcrypt from 'bcryptjs';
import request from 'supertest';
import { existsSync } from 'node:fs';
import { login, snapshotFiles, useOwnProjects } from '../support';

const own = useOwnProjects();

describe('users.json', () => {
  it('hashes plain-text passwords in memory only: the file stays as written, and its demo accounts survive restarts', async () => {
    const project = own.project({ 'db.json': { posts: [] }, 'users.json': [{ email: 'alice@example.com', password: 'alice123', name: 'Alice' }] });
    const written = project.read('users.json');
    const api = await own.open(project);
    await login(api.app, 'alice@example.com', 'alice123');
    expect(project.read('users.json')).toBe(written);
    expect(api.accounts.demoAccounts()).toEqual([{ email: 'alice@example.com', role: 'user', password: 'alice123' }]);
    expect(api.accounts.snapshot()[0]).toEqual({
      id: 1,
      email: 'alice@example.com',
      password: expect.stringMatching(/^\$scrypt\$ln=14,r=8,p=1\$/),
      name: 'Alice',
    });
    await api.close();
    // a second start sees the same plain-text entry: still a demo account, with the same id
    const again = await own.open(project);
    expect(again.accounts.demoAccounts()).toEqual([{ email: 'alice@example.com', role: 'user', password: 'alice123' }]);
    expect(again.accounts.snapshot()[0].id).toBe(1);
    expect(project.read('users.json')).toBe(written);
    await again.close();
  });

  it('keeps the { "users": [...] } shape and its other keys', async () => {
    const project = own.project({
      'db.json': { posts: [] },
      'users.json': { note: 'demo accounts', users: [{ id: 'a', email: 'a@example.com', password: 'a-password' }] },
    });
    const api = await own.open(project);
    await request(api.app).post('/auth/register').send({ email: 'b@example.com', password: 'b-password' }).expect(201);
    const saved = project.json('users.json') as { note: string; users: Array<{ id: unknown; email: string }> };
    expect(saved.note).toBe('demo accounts');
    expect(saved.users.map((user) => user.email)).toEqual(['a@example.com', 'b@example.com']);
    expect(typeof saved.users[1].id).toBe('string'); // string ids stay strings, as json-server would pick
  });

  it('verifies bcrypt hashes carried over from json-server-auth', async () => {
    const project = own.project({
      'db.json': { posts: [] },
      'users.json': [{ id: 1, email: 'old@example.com', password: bcrypt.hashSync('legacy-pass', 10) }],
    });
    const api = await own.open(project);
    await login(api.app, 'old@example.com', 'legacy-pass');
    await request(api.app).post('/auth/login').send({ email: 'old@example.com', password: 'wrong' }).expect(401);
  });

  it('creates users.json on the first registration when there is none', async () => {
    const project = own.project({ 'db.json': { posts: [] } });
    const api = await own.open(project);
    await request(api.app).post('/auth/register').send({ email: 'first@example.com', password: 'first-pass' }).expect(201);
    expect(project.json('users.json')).toEqual([
      { id: 1, email: 'first@example.com', role: 'user', emailVerified: false, password: expect.stringMatching(/^\$scrypt\$/) },
    ]);
  });

  it('picks up an edit made while the server runs, and never writes stale accounts over it', async () => {
    const project = own.project();
    const api = await own.open(project);
    const users = project.json('users.json') as Array<Record<string, unknown>>;
    project.write('users.json', [...users, { email: 'new@example.com', password: 'typed-by-hand' }]);
    await login(api.app, 'new@example.com', 'typed-by-hand');
    await request(api.app).post('/auth/register').send({ email: 'later@example.com', password: 'later-pass' }).expect(201);
    const emails = (project.json('users.json') as Array<{ email: string }>).map((user) => user.email);
    expect(emails).toEqual(['admin@example.com', 'alice@example.com', 'bob@example.com', 'new@example.com', 'later@example.com']);
  });

  it('answers a clear error, and leaves the file alone, while a hand edit is broken', async () => {
    const project = own.project();
    const api = await own.open(project);
    project.write('users.json', '[{ "email": "half-typed');
    // The server's log names the broken file too: expected here, so kept out of the test output.
    const serverLog = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const response = await request(api.app).post('/auth/register').send({ email: 'x@example.com', password: 'x-password' }).expect(500);
      expect(response.body).toEqual({ error: 'server_error', message: expect.stringContaining('users.json') });
      expect(serverLog).toHaveBeenCalledTimes(1);
      expect(serverLog.mock.calls[0].join(' ')).toMatch(/POST \/auth\/register failed: .*users\.json: not valid JSON/);
    } finally {
      serverLog.mockRestore();
    }
    expect(project.read('users.json')).toBe('[{ "email": "half-typed');
  });

  it.each([
    ['not JSON', '{ nope'],
    ['a number', '42'],
    ['an account without a password', [{ email: 'a@example.com' }]],
    ['an account with a numeric email', [{ email: 5, password: 'x' }]],
    [
      'the same email twice',
      [
        { email: 'a@example.com', password: 'x' },
        { email: 'A@example.com', password: 'y' },
      ],
    ],
    [
      'the same id twice',
      [
        { id: 1, email: 'a@example.com', password: 'x' },
        { id: 1, email: 'b@example.com', password: 'y' },
      ],
    ],
  ])('refuses to start on users.json with %s (ERR_USERS_FILE, exit 2)', async (_case, content) => {
    const project = own.project({ 'db.json': { posts: [] }, 'users.json': content });
    await expect(own.open(project)).rejects.toMatchObject({ code: 'ERR_USERS_FILE', exitCode: 2 });
  });

  it('refuses to serve a users collection of db.json that holds passwords', async () => {
    const project = own.project({ 'db.json': { users: [{ id: 1, email: 'a@example.com', password: bcrypt.hashSync('x', 4) }] }, 'users.json': [] });
    await expect(own.open(project)).rejects.toMatchObject({ code: 'ERR_USERS_COLLECTION', exitCode: 2 });
  });

  it('refuses a users collection of db.json beside users.json: two lists of users whose ids would collide', async () => {
    const project = own.project({
      'db.json': { users: [{ id: 1, name: 'plain' }] },
      'users.json': [{ id: 1, email: 'a@example.com', password: 'a-password' }],
    });
    const before = snapshotFiles(project);
    await expect(own.open(project)).rejects.toMatchObject({
      code: 'ERR_USERS_COLLECTION',
      exitCode: 2,
      message: expect.stringMatching(/"users" collection and the accounts in .*users\.json are two lists of users whose ids collide.*rename the collection/),
    });
    expect(snapshotFiles(project)).toEqual(before);
    expect(existsSync(project.file('.fake-jwt-api'))).toBe(false);
  });

  it('without users.json, serves a users collection without passwords as plain data, as json-server does, and refuses registration', async () => {
    const project = own.project({ 'db.json': { users: [{ id: 1, name: 'plain' }] } });
    const api = await own.open(project, { defaultAccess: 'public' });
    expect(api.warnings).toEqual([expect.stringMatching(/"users" is plain data, not the accounts, so registration is off/)]);
    expect((await request(api.app).get('/users').expect(200)).body).toEqual([{ id: 1, name: 'plain' }]);
    await request(api.app).post('/users').send({ name: 'second' }).expect(201);
    const refused = await request(api.app).post('/auth/register').send({ email: 'new@example.com', password: 'new-password' }).expect(409);
    expect(refused.body.message).toMatch(/rename the collection/);
    expect(existsSync(project.file('users.json'))).toBe(false);
    await api.close();
  });

  it("takes an empty users collection beside users.json as the accounts' profiles, and keeps it in db.json", async () => {
    const project = own.project({ 'db.json': { users: [], posts: [] }, 'users.json': [{ id: 1, email: 'a@example.com', password: 'a-password' }] });
    const api = await own.open(project);
    const token = await login(api.app, 'a@example.com', 'a-password');
    expect((await request(api.app).get('/users').set('Authorization', `Bearer ${token}`).expect(200)).body).toEqual([{ id: 1, email: 'a@example.com' }]);
    await request(api.app).post('/posts').set('Authorization', `Bearer ${token}`).send({ title: 'x' }).expect(201);
    expect(project.json('db.json')).toEqual({ users: [], posts: [{ id: 1, title: 'x' }] });
    await api.close();
  });

  it('shows accounts registered while running in the users resource, and keeps them out of db.json', async () => {
    const project = own.project();
    const api = await own.open(project);
    const { body } = await request(api.app).post('/auth/register').send({ email: 'new@example.com', password: 'new-password' }).expect(201);
    const users = await request(api.app).get('/users').set('Authorization', `Bearer ${body.accessToken}`).expect(200);
    expect(users.body.map((user: { email: string }) => user.email)).toContain('new@example.com');
    await request(api.app).post('/posts').set('Authorization', `Bearer ${body.accessToken}`).send({ title: 'after' }).expect(201);
    expect(project.json('db.json')).not.toHaveProperty('users');
  });
});

import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { start } from '../../src/app/start';
import { issueToken } from '../../src/cli/commands/token';
import { addUser } from '../../src/cli/commands/users';
import { call, everyFile, login, makeProject, serverFor, type Project } from '../support';

/** Issue 11, "Files are the user's": users.json, db.json and routes.json stay as their author wrote them. */

const DEMO_USERS = [
  { email: 'admin@example.com', password: 'admin123', role: 'admin' },
  { id: 7, email: 'alice@example.com', password: 'alice123', name: 'Alice' },
  { email: 'bob@example.com', password: 'bob12345' },
];

const ids = (project: Project) => project.json('.fake-jwt-api/account-ids.json') as { highest: number; byEmail: Record<string, number> };

describe('plain-text demo accounts in users.json', () => {
  let project: Project;
  beforeEach(() => {
    project = makeProject({ 'db.json': { posts: [] }, 'users.json': DEMO_USERS });
  });
  afterEach(() => project.cleanup());

  it('stay as written through starts, logins and registrations; only the new account is stored with a hash', async () => {
    const written = project.read('users.json');
    const api = await serverFor(project);
    await login(api.app, 'bob@example.com', 'bob12345');
    expect(project.read('users.json')).toBe(written);
    await request(api.app).post('/auth/register').send({ email: 'carol@example.com', password: 'carol-pass' }).expect(201);
    const stored = project.json('users.json') as Array<Record<string, unknown>>;
    expect(stored.slice(0, 3)).toEqual(DEMO_USERS); // no id added, no hash, nothing reordered
    expect(stored[3]).toEqual({ id: 10, email: 'carol@example.com', role: 'user', emailVerified: false, password: expect.stringMatching(/^\$scrypt\$/) });
    await api.close();

    const again = await serverFor(project);
    expect(again.accounts.demoAccounts().map((account) => account.email)).toEqual(['admin@example.com', 'alice@example.com', 'bob@example.com']);
    await login(again.app, 'admin@example.com', 'admin123');
    await again.close();
  });

  it('give an entry without an id the same id at every start, whatever hand edits move it, recorded in the state folder', async () => {
    const api = await serverFor(project);
    const idOf = async (app: typeof api, email: string) => (await app.accounts.findByEmail(email))?.id;
    expect([await idOf(api, 'admin@example.com'), await idOf(api, 'bob@example.com')]).toEqual([8, 9]);
    expect(ids(project).byEmail).toEqual({ 'admin@example.com': 8, 'bob@example.com': 9 });
    await api.close();

    // Bob moves to the top and a newcomer without an id comes in before admin: each keeps or gets its own id.
    project.write('users.json', [
      DEMO_USERS[2],
      { email: 'dave@example.com', password: 'dave1234' },
      DEMO_USERS[1],
      { ...DEMO_USERS[0], email: 'ADMIN@example.com' },
    ]);
    const again = await serverFor(project);
    expect(await idOf(again, 'bob@example.com')).toBe(9);
    expect(await idOf(again, 'admin@example.com')).toBe(8); // emails are compared as emails: case does not matter
    expect(await idOf(again, 'dave@example.com')).toBe(10);
    await again.close();
  });

  it('never hand the id of an entry removed by hand to another one', async () => {
    const api = await serverFor(project);
    const token = await login(api.app, 'bob@example.com', 'bob12345');
    await api.close();
    project.write('users.json', [DEMO_USERS[0], DEMO_USERS[1], { email: 'eve@example.com', password: 'eve12345' }]);
    const again = await serverFor(project);
    expect((await again.accounts.findByEmail('eve@example.com'))?.id).toBe(10); // not bob's 9
    await request(again.app).get('/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
    await again.close();
  });

  it('stop being a demo account on a password change, which stores a hash for it alone; a profile change keeps the plain text', async () => {
    const api = await serverFor(project);
    const bob = await login(api.app, 'bob@example.com', 'bob12345');
    await request(api.app).patch('/auth/me').set('Authorization', `Bearer ${bob}`).send({ name: 'Bob' }).expect(200);
    let stored = project.json('users.json') as Array<Record<string, unknown>>;
    expect(stored[2]).toEqual({ id: 9, email: 'bob@example.com', password: 'bob12345', name: 'Bob' }); // changed: its id is written
    expect(api.accounts.demoAccounts().map((account) => account.email)).toContain('bob@example.com');

    const alice = await login(api.app, 'alice@example.com', 'alice123');
    await request(api.app)
      .post('/auth/password')
      .set('Authorization', `Bearer ${alice}`)
      .send({ currentPassword: 'alice123', newPassword: 'a-new-password' })
      .expect(204);
    stored = project.json('users.json') as Array<Record<string, unknown>>;
    expect(stored[1]).toEqual({ id: 7, email: 'alice@example.com', password: expect.stringMatching(/^\$scrypt\$/), name: 'Alice' });
    expect(stored[0]).toEqual(DEMO_USERS[0]);
    expect(api.accounts.demoAccounts().map((account) => account.email)).toEqual(['admin@example.com', 'bob@example.com']);
    await api.close();
    const again = await serverFor(project);
    expect(again.accounts.demoAccounts().map((account) => account.email)).toEqual(['admin@example.com', 'bob@example.com']);
    await login(again.app, 'alice@example.com', 'a-new-password');
    await again.close();
  });

  it('come back byte for byte with reset(), which writes users.json only when it changed', async () => {
    const written = project.read('users.json');
    const api = await serverFor(project);
    const before = statSync(project.file('users.json')).mtimeMs;
    await api.reset();
    expect(statSync(project.file('users.json')).mtimeMs).toBe(before);
    await request(api.app).post('/auth/register').send({ email: 'carol@example.com', password: 'carol-pass' }).expect(201);
    await api.reset();
    expect(project.read('users.json')).toBe(written);
    expect(ids(project)).toEqual({ highest: 9, byEmail: { 'admin@example.com': 8, 'bob@example.com': 9 } });
    await request(api.app).post('/auth/register').send({ email: 'carol@example.com', password: 'carol-pass' }).expect(201);
    expect((await api.accounts.findByEmail('carol@example.com'))?.id).toBe(10); // the mark came back too: 10 again
    await api.close();
  });

  it("`users add` (with the server's state folder) stores its hash and leaves the demo entries as written", async () => {
    const logs: string[] = [];
    await addUser('frank@example.com', { users: project.file('users.json'), password: 'frank-pass', defaultRole: 'customer' }, (line) => logs.push(line));
    const stored = project.json('users.json') as Array<Record<string, unknown>>;
    expect(stored.slice(0, 3)).toEqual(DEMO_USERS);
    expect(stored[3]).toEqual({ id: 10, email: 'frank@example.com', role: 'customer', password: expect.stringMatching(/^\$scrypt\$/) });
    expect(ids(project).byEmail).toEqual({ 'admin@example.com': 8, 'bob@example.com': 9 });
  });
});

describe('a start that fails', () => {
  it.each([
    ['a bad routes.json', { 'routes.json': '{ "/posts": { "read": "publik" } }' }, 'ERR_ROUTES_FILE'],
    ['routes.json that is not JSON', { 'routes.json': '{ "/posts": ' }, 'ERR_ROUTES_FILE'],
    ['a bad users.json', { 'users.json': '[{ "email": "a@example.com" }]' }, 'ERR_USERS_FILE'],
    ['a rule that protects nothing', { 'routes.json': { '/postz': { '*': 'owner' } } }, 'ERR_ROUTES_FILE'],
    ['a secret too short', { secret: 'short' }, 'ERR_OPTION'],
  ])('(%s: %s) changes no file and creates no folder', async (_name, change, code) => {
    const { secret, ...files } = change as Record<string, unknown>;
    const project = makeProject({ 'db.json': { posts: [] }, 'users.json': [{ email: 'a@example.com', password: 'a-password' }], ...files });
    const before = everyFile(project);
    await expect(start({ db: project.file('db.json'), secret: secret as string | undefined })).rejects.toMatchObject({ code, exitCode: 2 });
    expect(everyFile(project)).toEqual(before);
    expect(existsSync(project.file('.fake-jwt-api'))).toBe(false);
    project.cleanup();
  });
});

describe('start() from a test suite', () => {
  it('never reformats or hashes its fixtures, and keeps every state file in stateDir', async () => {
    // Fixtures as a suite might keep them: compact, with plain-text passwords and no ids.
    const project = makeProject({
      'fixtures/db.json': JSON.stringify({ posts: [{ id: 1, title: 'first', userId: 1 }] }),
      'fixtures/users.json': JSON.stringify([{ email: 'alice@example.com', password: 'alice123' }]),
    });
    const stateDir = mkdtempSync(path.join(tmpdir(), 'fake-jwt-api-state-'));
    const before = everyFile(project);
    const server = await start({ db: project.file('fixtures/db.json'), stateDir });
    const token = (await call(`${server.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' })).body.accessToken as string;
    expect(everyFile(project)).toEqual(before);
    expect((await call(`${server.url}/posts`, 'POST', { title: 'second' }, token)).status).toBe(201);
    await server.reset();
    expect(everyFile(project)).toEqual(before); // the compact fixture is back byte for byte
    await server.close();
    expect(everyFile(project)).toEqual(before);
    // An existing folder gets no .gitignore of ours: only a folder the server creates does.
    expect(readdirSync(stateDir).sort()).toEqual(['account-ids.json', 'ids.json', 'keys.json', 'sessions.json', 'state.json']);

    // `token` with the same state folder signs a token this server accepts.
    const again = await start({ db: project.file('fixtures/db.json'), stateDir });
    // With the default RS256 its issuer is http://localhost:3000, which the server accepts on any loopback port.
    const issued = await issueToken('alice@example.com', { users: project.file('fixtures/users.json'), stateDir, ttl: '5m' });
    expect((await call(`${again.url}/auth/me`, 'GET', undefined, issued)).status).toBe(200);
    await again.close();
    expect(everyFile(project)).toEqual(before);
    rmSync(stateDir, { recursive: true, force: true });
    project.cleanup();
  });
});

describe('db.json edited by hand while the server runs without --watch', () => {
  it('keeps the edit: the next change answers 409, and one line says to restart or use --watch', async () => {
    const project = makeProject({ 'db.json': { posts: [] }, 'users.json': [{ id: 1, email: 'a@example.com', password: 'a-password' }] });
    const api = await serverFor(project);
    const token = await login(api.app, 'a@example.com', 'a-password');
    await request(api.app).post('/posts').set('Authorization', `Bearer ${token}`).send({ title: 'saved' }).expect(201);
    const edit = JSON.stringify(
      {
        posts: [
          { id: 1, title: 'saved' },
          { id: 2, title: 'typed by hand' },
        ],
      },
      null,
      2,
    );
    project.write('db.json', edit);
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const refused = await request(api.app).post('/posts').set('Authorization', `Bearer ${token}`).send({ title: 'lost?' }).expect(409);
      expect(refused.body).toEqual({ error: 'conflict', message: expect.stringMatching(/edited by hand.*the edit is kept.*Restart the server.*--watch/) });
      await request(api.app).patch('/posts/1').set('Authorization', `Bearer ${token}`).send({ title: 'again' }).expect(409);
      const handEditLines = log.mock.calls.map((call) => call.join(' ')).filter((line) => line.includes('edited by hand'));
      expect(handEditLines).toEqual([
        expect.stringMatching(/db\.json was edited by hand while the server runs: the edit is kept.*restart the server.*--watch/),
      ]);
    } finally {
      log.mockRestore();
    }
    expect(project.read('db.json')).toBe(edit);
    await api.close().catch(() => undefined);
    expect(project.read('db.json')).toBe(edit);
    project.cleanup();
  });
});

describe('a UTF-8 byte order mark, as editors on Windows write it', () => {
  it('is accepted at the start of db.json, users.json and routes.json', async () => {
    const bom = '\uFEFF';
    const project = makeProject({
      'db.json': `${bom}${JSON.stringify({ posts: [{ id: 1, title: 'hi' }] })}`,
      'users.json': `${bom}${JSON.stringify([{ id: 1, email: 'a@example.com', password: 'a-password' }])}`,
      'routes.json': `${bom}${JSON.stringify({ '/posts': { read: 'public' } })}`,
    });
    const api = await serverFor(project);
    expect((await request(api.app).get('/posts').expect(200)).body).toEqual([{ id: 1, title: 'hi' }]);
    await login(api.app, 'a@example.com', 'a-password');
    await api.close();
    project.cleanup();
  });
});

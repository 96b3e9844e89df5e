import bcrypt from 'bcryptjs';
import { call, makeProject, startCli, type CliProcess, type Project } from '../support';

// A project written for json-server-auth: accounts with bcrypt hashes inside db.json, guards in routes.json.
const jsonServerAuthProject = () => ({
  'db.json': {
    users: [
      { id: 1, email: 'olivier@mail.com', password: bcrypt.hashSync('bestPassw0rd', 10), firstname: 'Olivier' },
      { id: 2, email: 'marie@mail.com', password: bcrypt.hashSync('marie-pass', 10), firstname: 'Marie' },
    ],
    messages: [
      { id: 1, text: 'from olivier', userId: 1 },
      { id: 2, text: 'from marie', userId: 2 },
    ],
    posts: [{ id: 1, title: 'hello', userId: 1 }],
  },
  'routes.json': {
    users: 600,
    messages: 640,
    '/posts*': '/644/posts$1',
  },
});

let project: Project;
let cli: CliProcess;
let olivier: string;

beforeAll(async () => {
  project = makeProject(jsonServerAuthProject());
  cli = await startCli(['db.json'], project.dir);
  const login = await call(`${cli.url}/login`, 'POST', { email: 'olivier@mail.com', password: 'bestPassw0rd' });
  expect(login.status).toBe(200);
  expect(login.body.user).toEqual({ id: 1, email: 'olivier@mail.com', firstname: 'Olivier' });
  olivier = login.body.accessToken;
});
afterAll(async () => {
  await cli.stop();
  project.cleanup();
});

describe('a json-server-auth project runs unchanged', () => {
  it('the banner shows the accounts of db.json and the guards as rules', () => {
    expect(cli.output()).toMatch(/Accounts \(.*db\.json \(users\)\)/);
    expect(cli.output()).toMatch(/olivier@mail\.com\s+user/);
    expect(cli.output()).toMatch(/\/messages\s+authenticated\s+owner/);
    expect(cli.output()).toMatch(/\/posts\s+public\s+owner/);
  });

  it('600 on users: each user sees only their own record, without the password', async () => {
    expect((await call(`${cli.url}/users`, 'GET', undefined, olivier)).body).toEqual([{ id: 1, email: 'olivier@mail.com', firstname: 'Olivier' }]);
    expect((await call(`${cli.url}/users/2`, 'GET', undefined, olivier)).status).toBe(403);
    expect((await call(`${cli.url}/users?password_like=.`, 'GET', undefined, olivier)).body).toEqual([]);
  });

  it('640 on messages: logged-in users read all, only the owner writes', async () => {
    expect((await call(`${cli.url}/messages`, 'GET')).status).toBe(401);
    expect((await call(`${cli.url}/messages`, 'GET', undefined, olivier)).body).toHaveLength(2);
    expect((await call(`${cli.url}/messages/2`, 'DELETE', undefined, olivier)).status).toBe(403);
    expect((await call(`${cli.url}/messages/1`, 'PATCH', { text: 'edited' }, olivier)).status).toBe(200);
  });

  it('without its holes: no method-override bypass, no hashes through _expand', async () => {
    const override = await fetch(`${cli.url}/messages/2`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${olivier}`, 'X-HTTP-Method-Override': 'DELETE' },
    });
    expect(override.status).toBe(403);
    const expanded = await call(`${cli.url}/messages?_expand=user`, 'GET', undefined, olivier);
    expect(JSON.stringify(expanded.body)).not.toMatch(/password|\$2a\$/);
    expect(expanded.body.find((message: { id: number }) => message.id === 1).user).toEqual({ id: 1, email: 'olivier@mail.com', firstname: 'Olivier' });
  });

  it('the guard in a rewrite target: 644 on posts', async () => {
    expect((await call(`${cli.url}/posts`, 'GET')).status).toBe(200);
    const created = await call(`${cli.url}/posts`, 'POST', { title: 'mine' }, olivier);
    expect(created.status).toBe(201);
    expect(created.body.userId).toBe(1);
    expect((await call(`${cli.url}/posts`, 'POST', { title: 'anonymous' })).status).toBe(401);
  });

  it('registration (POST /register and POST /users) adds to db.json, whose accounts keep their hashes', async () => {
    const registered = await call(`${cli.url}/register`, 'POST', { email: 'new@mail.com', password: 'new-password', firstname: 'New' });
    expect(registered.status).toBe(201);
    expect((await call(`${cli.url}/users`, 'POST', { email: 'other@mail.com', password: 'other-password' })).status).toBe(201);
    const onDisk = project.json('db.json') as { users: Array<{ email: string; password: string }>; messages: unknown[] };
    expect(onDisk.users.map((user) => user.email)).toEqual(['olivier@mail.com', 'marie@mail.com', 'new@mail.com', 'other@mail.com']);
    expect(onDisk.users[0].password).toMatch(/^\$2[ab]\$10\$/);
    expect(onDisk.users[2].password).toMatch(/^\$scrypt\$/);
    const login = await call(`${cli.url}/signin`, 'POST', { email: 'new@mail.com', password: 'new-password' });
    expect(login.status).toBe(200);
  });

  it('a write to another resource keeps the accounts in db.json', async () => {
    expect((await call(`${cli.url}/messages`, 'POST', { text: 'another' }, olivier)).status).toBe(201);
    const onDisk = project.json('db.json') as { users: Array<{ password: string }>; messages: unknown[] };
    expect(onDisk.users.every((user) => typeof user.password === 'string' && user.password.length > 20)).toBe(true);
    expect(onDisk.messages).toHaveLength(3);
  });
});

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { call, errorCodeOf, everyFile, makeProject, pollUntil, portInUse, ROOT, runCli, SAMPLE_DB, startCli, type Project } from '../support';

/** Issue 11 through the command line, on real folders: the files stay the user's. */

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  });

const oneLine = (stderr: string) => expect(stderr.trim().split('\n')).toHaveLength(1);

describe('a course repository', () => {
  it('stays clean in git status after starts and logins: the demo accounts survive, and the state folder ignores itself', async () => {
    const project = makeProject({});
    for (const name of ['db.json', 'users.json', 'routes.json']) copyFileSync(path.join(ROOT, name), project.file(name));
    git(project.dir, 'init', '-q');
    git(project.dir, 'add', '.');
    git(project.dir, 'commit', '-q', '-m', 'the course files');

    for (const round of [1, 2]) {
      const cli = await startCli(['db.json'], project.dir);
      try {
        // The banner offers a working demo login at every start, not YOUR_PASSWORD after the first.
        const banner = await pollUntil(
          async () => cli.output(),
          (output) => output.includes('Ctrl-C stops'),
        );
        expect(banner).toContain('"password":"alice123"');
        const login = await call(`${cli.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' });
        expect(login.status).toBe(200);
        expect((await call(`${cli.url}/profile`, 'GET', undefined, login.body.accessToken)).status).toBe(200);
      } finally {
        expect(await cli.stop()).toBe(0);
      }
      expect({ round, status: git(project.dir, 'status', '--porcelain') }).toEqual({ round, status: '' });
    }
    expect(git(project.dir, 'status', '--porcelain', '--ignored')).toBe('!! .fake-jwt-api/\n');
    project.cleanup();
  });
});

describe('a start that fails changes no file and creates no folder', () => {
  let project: Project;
  beforeEach(() => {
    project = makeProject({ 'db.json': SAMPLE_DB, 'users.json': [{ email: 'alice@example.com', password: 'alice123' }] });
  });
  afterEach(() => project.cleanup());

  it('a port in use: exit 1, even for a new db, whose starter files are not written', async () => {
    const blocker = await portInUse();
    try {
      const before = everyFile(project);
      for (const db of ['db.json', 'shop.json']) {
        const result = await runCli([db, '--port', String(blocker.port), '--host', '127.0.0.1'], project.dir);
        expect(result.code).toBe(1);
        oneLine(result.stderr);
        expect(errorCodeOf(result.stderr)).toBe('ERR_PORT_IN_USE');
        expect(everyFile(project)).toEqual(before);
        expect(existsSync(project.file('.fake-jwt-api'))).toBe(false);
      }
    } finally {
      await blocker.close();
    }
  });

  it('a bad routes.json: exit 2', async () => {
    project.write('routes.json', { '/posts': { read: 'Public' } });
    const before = everyFile(project);
    const result = await runCli(['db.json', '--port', '0', '--host', '127.0.0.1'], project.dir);
    expect(result.code).toBe(2);
    oneLine(result.stderr);
    expect(errorCodeOf(result.stderr)).toBe('ERR_ROUTES_FILE');
    expect(everyFile(project)).toEqual(before);
    expect(existsSync(project.file('.fake-jwt-api'))).toBe(false);
  });

  it('a users.json that is not JSON: exit 2, naming the line and column', async () => {
    project.write('users.json', '[\n  { "email": "alice@example.com", "password": "alice123" },\n]\n');
    const before = everyFile(project);
    const result = await runCli(['db.json', '--port', '0', '--host', '127.0.0.1'], project.dir);
    expect(result.code).toBe(2);
    oneLine(result.stderr);
    expect(errorCodeOf(result.stderr)).toBe('ERR_USERS_FILE');
    expect(result.stderr).toMatch(/users\.json: not valid JSON at line 3, column 1 \(/);
    expect(result.stderr).not.toMatch(/position/);
    expect(everyFile(project)).toEqual(before);
    expect(existsSync(project.file('.fake-jwt-api'))).toBe(false);
  });

  it('a new db whose start fails after its starter files were written: they and their new folder are removed', async () => {
    project.write('broken.json', '[');
    const before = everyFile(project);
    const result = await runCli(['shop/db.json', '--users', 'broken.json', '--port', '0', '--host', '127.0.0.1'], project.dir);
    expect(result.code).toBe(2);
    oneLine(result.stderr);
    expect(errorCodeOf(result.stderr)).toBe('ERR_USERS_FILE');
    expect(everyFile(project)).toEqual(before);
    expect(existsSync(project.file('shop'))).toBe(false);
  });
});

describe('a db name with a typo', () => {
  let project: Project;
  beforeEach(() => {
    project = makeProject({ 'db.json': SAMPLE_DB, 'users.json': [{ email: 'alice@example.com', password: 'alice123' }] });
  });
  afterEach(() => project.cleanup());

  it.each(['db.jsn', 'Db.json', 'dbs.json', 'db'])('%s: exit 2 with "did you mean db.json?", writing nothing', async (typed) => {
    const before = everyFile(project);
    const result = await runCli([typed, '--port', '0', '--host', '127.0.0.1'], project.dir);
    expect(result.code).toBe(2);
    oneLine(result.stderr);
    expect(errorCodeOf(result.stderr)).toBe('ERR_USAGE');
    expect(result.stderr).toContain('did you mean db.json?');
    expect(everyFile(project)).toEqual(before);
  });

  it('a name that is plausibly new (shop.json, db2.json) gets the starter data', async () => {
    for (const name of ['shop.json', 'db2.json']) {
      const cli = await startCli([name], project.dir);
      try {
        expect(cli.output()).toContain(name);
        expect(existsSync(project.file(name))).toBe(true);
      } finally {
        await cli.stop();
      }
    }
  });
});

describe('--state-dir and --default-role', () => {
  it('--state-dir puts every state file in that folder; the project gets none', async () => {
    const project = makeProject({ 'db.json': SAMPLE_DB, 'users.json': [{ email: 'alice@example.com', password: 'alice123' }] });
    const cli = await startCli(['db.json', '--state-dir', 'state'], project.dir);
    try {
      expect((await call(`${cli.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' })).status).toBe(200);
      expect((await call(`${cli.url}/auth/register`, 'POST', { email: 'new@example.com', password: 'new-password' })).status).toBe(201);
    } finally {
      await cli.stop();
    }
    expect(readdirSync(project.file('state')).sort()).toEqual([
      '.gitignore',
      'account-ids.json',
      'account-tokens.json',
      'ids.json',
      'keys.json',
      'outbox',
      'sessions.json',
      'state.json',
    ]); // a registration's verification mail and its token
    expect(existsSync(project.file('.fake-jwt-api'))).toBe(false);
    project.cleanup();
  });

  it('the config file takes stateDir and defaultRole too', async () => {
    const project = makeProject({ 'db.json': SAMPLE_DB, 'json-server.json': { stateDir: 'elsewhere', defaultRole: 'customer' } });
    const cli = await startCli(['db.json'], project.dir);
    try {
      const registered = await call(`${cli.url}/auth/register`, 'POST', { email: 'shopper@example.com', password: 'shopper-pass', role: 'admin' });
      expect(registered.status).toBe(201);
      expect(registered.body.user.role).toBe('customer');
    } finally {
      await cli.stop();
    }
    expect(existsSync(project.file('elsewhere/state.json'))).toBe(true);
    expect(existsSync(project.file('.fake-jwt-api'))).toBe(false);
    project.cleanup();
  });

  it('--default-role customer: newcomers are customers, whom the routes name; admin is refused (exit 2)', async () => {
    const project = makeProject({ 'db.json': { orders: [] }, 'routes.json': { '/orders': { '*': ['owner', 'admin'], POST: 'customer' } } });
    const cli = await startCli(['db.json', '--default-role', 'customer'], project.dir);
    try {
      expect(cli.output()).not.toMatch(/role \\?"customer/); // the default role counts as held: no warning for it
      const token = (await call(`${cli.url}/auth/register`, 'POST', { email: 'shopper@example.com', password: 'shopper-pass' })).body.accessToken as string;
      expect((await call(`${cli.url}/orders`, 'POST', { item: 'book' }, token)).status).toBe(201);
      expect((project.json('users.json') as Array<{ role: string }>)[0].role).toBe('customer');
    } finally {
      await cli.stop();
    }
    const refused = await runCli(['db.json', '--default-role', 'admin', '--port', '0'], project.dir);
    expect(refused.code).toBe(2);
    oneLine(refused.stderr);
    expect(errorCodeOf(refused.stderr)).toBe('ERR_OPTION');
    project.cleanup();
  });
});

describe('db.json edited by hand while the server runs without --watch', () => {
  it('the edit is kept, the change answers 409, and stderr says once to restart or use --watch', async () => {
    const project = makeProject({ 'db.json': SAMPLE_DB, 'users.json': [{ id: 1, email: 'alice@example.com', password: 'alice123' }] });
    const cli = await startCli(['db.json'], project.dir);
    try {
      const token = (await call(`${cli.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' })).body.accessToken as string;
      const edit = JSON.stringify({ ...SAMPLE_DB, posts: [...SAMPLE_DB.posts, { id: 3, title: 'by hand', userId: 1 }] }, null, 2);
      project.write('db.json', edit);
      expect((await call(`${cli.url}/posts`, 'POST', { title: 'one' }, token)).status).toBe(409);
      expect((await call(`${cli.url}/posts`, 'POST', { title: 'two' }, token)).status).toBe(409);
      expect(project.read('db.json')).toBe(edit);
      const lines = await pollUntil(
        async () =>
          cli
            .output()
            .split('\n')
            .filter((line) => line.includes('edited by hand')),
        (found) => found.length > 0,
      );
      expect(lines).toEqual([expect.stringMatching(/db\.json was edited by hand while the server runs: the edit is kept.*restart the server.*--watch/)]);
    } finally {
      await cli.stop();
    }
    project.cleanup();
  });
});

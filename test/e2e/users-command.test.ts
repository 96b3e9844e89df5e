import { existsSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { call, errorCodeOf, makeProject, runCli, SAMPLE_DB, startCli } from '../support';

describe('fake-jwt-api users', () => {
  it('add writes a hashed account that a running server accepts at once; list shows no hash', async () => {
    const project = makeProject({ 'db.json': SAMPLE_DB, 'users.json': [{ email: 'alice@example.com', password: 'alice123' }] });
    const cli = await startCli(['db.json'], project.dir);
    try {
      const added = await runCli(['users', 'add', 'carol@example.com', '--role', 'editor', '--password', 'carol-pass'], project.dir);
      expect(added.code).toBe(0);
      expect(added.stdout).toContain('Added carol@example.com (id 2, role editor)');
      expect(project.read('users.json')).not.toContain('carol-pass');
      const login = await call(`${cli.url}/auth/login`, 'POST', { email: 'carol@example.com', password: 'carol-pass' });
      expect(login.status).toBe(200);
      expect(login.body.user).toEqual({ id: 2, email: 'carol@example.com', role: 'editor' });
    } finally {
      await cli.stop();
    }
    const list = await runCli(['users', 'list'], project.dir);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/1\s+alice@example\.com\s+user/);
    expect(list.stdout).toMatch(/2\s+carol@example\.com\s+editor/);
    expect(list.stdout).not.toMatch(/scrypt|password/);
    project.cleanup();
  });

  it('add and list take --users after the command, not the serving flag of the same name', async () => {
    const project = makeProject({});
    const added = await runCli(['users', 'add', 'erin@example.com', '--users', 'course/accounts.json', '--password', 'erin-pass'], project.dir);
    expect(added.code).toBe(0);
    expect(existsSync(project.file('users.json'))).toBe(false);
    const list = await runCli(['users', 'list', '-u', 'course/accounts.json'], project.dir);
    expect(list.stdout).toMatch(/1\s+erin@example\.com\s+user/);
    project.cleanup();
  });

  it('add without --password generates one and prints it once', async () => {
    const project = makeProject({});
    const added = await runCli(['users', 'add', 'dave@example.com'], project.dir);
    expect(added.code).toBe(0);
    const password = /Password: (\S+)/.exec(added.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(project.read('users.json')).not.toContain(password!);
    project.cleanup();
  });

  it('add takes --password-min-length as the server does: a shorter password, or a longer generated one', async () => {
    const project = makeProject({});
    const short = await runCli(['users', 'add', 'kid@example.com', '--password', '1234', '--password-min-length', '4'], project.dir);
    expect(short.code).toBe(0);
    const long = await runCli(['users', 'add', 'admin@example.com', '--password-min-length', '24'], project.dir);
    expect(long.code).toBe(0);
    expect(/Password: (\S+)/.exec(long.stdout)?.[1]).toMatch(/^[A-Za-z0-9_-]{24}$/);
    project.cleanup();
  });

  it.each([
    ['a duplicate (in any letter case)', ['users', 'add', 'ALICE@example.com'], 'ERR_ACCOUNT'],
    ['a malformed email', ['users', 'add', 'not-an-email'], 'ERR_ACCOUNT'],
    ['a keyword as a role', ['users', 'add', 'x@example.com', '--role', 'owner'], 'ERR_OPTION'],
    ['a password shorter than registration accepts', ['users', 'add', 'x@example.com', '--password', '123'], 'ERR_OPTION'],
    [
      'a password shorter than --password-min-length',
      ['users', 'add', 'x@example.com', '--password', 'twelve-chars', '--password-min-length', '13'],
      'ERR_OPTION',
    ],
    ['a bad --password-min-length', ['users', 'add', 'x@example.com', '--password-min-length', '0'], 'ERR_OPTION'],
  ])('refuses %s with exit 2 (%s), changing nothing', async (_case, args, code) => {
    // Already hashed, so opening the file has nothing to rewrite.
    const project = makeProject({ 'users.json': [{ id: 1, email: 'alice@example.com', password: bcrypt.hashSync('alice123', 4) }] });
    const before = project.read('users.json');
    const result = await runCli(args, project.dir);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(errorCodeOf(result.stderr)).toBe(code);
    expect(project.read('users.json')).toBe(before);
    project.cleanup();
  });
});

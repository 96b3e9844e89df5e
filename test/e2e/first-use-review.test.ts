import { spawn } from 'node:child_process';
import { utimesSync, writeFileSync } from 'node:fs';
import request from 'supertest';
import { isLoopbackAddress } from '../../src/http/local-request';
import { BIN, errorCodeOf, login, makeProject, runCli, serverFor } from '../support';

// What a review of issue 11's changes found, each kept fixed.

describe('db.json touched but not changed', () => {
  it('is no hand edit: changes go on being saved', async () => {
    const project = makeProject();
    try {
      const api = await serverFor(project);
      const token = await login(api.app, 'alice@example.com', 'alice123');
      await request(api.app).post('/posts').set('Authorization', `Bearer ${token}`).send({ title: 'one' }).expect(201);
      const later = new Date(Date.now() + 5000);
      utimesSync(project.file('db.json'), later, later); // an editor's "save all", git checkout, cp -p
      await request(api.app).post('/posts').set('Authorization', `Bearer ${token}`).send({ title: 'two' }).expect(201);
      writeFileSync(project.file('db.json'), project.read('db.json')); // the same bytes written again
      await request(api.app).post('/posts').set('Authorization', `Bearer ${token}`).send({ title: 'three' }).expect(201);
      // A real edit still wins.
      const data = project.json('db.json') as { posts: unknown[] };
      project.write('db.json', { ...data, posts: [] });
      await request(api.app).post('/posts').set('Authorization', `Bearer ${token}`).send({ title: 'four' }).expect(409);
      await api.close();
    } finally {
      project.cleanup();
    }
  });
});

describe('accounts in db.json when a hand edit of db.json refuses the save', () => {
  it('a password change answered 409 changed nothing, in memory either', async () => {
    const project = makeProject({
      'db.json': {
        posts: [],
        users: [
          { id: 1, email: 'admin@example.com', password: 'admin123', role: 'admin' },
          { id: 2, email: 'alice@example.com', password: 'alice123' },
        ],
      },
    });
    const silenced = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const api = await serverFor(project);
      const token = await login(api.app, 'alice@example.com', 'alice123');
      const data = project.json('db.json') as Record<string, unknown>;
      project.write('db.json', { ...data, posts: [{ id: 1, title: 'by hand' }] });
      await request(api.app)
        .post('/auth/password')
        .set('Authorization', `Bearer ${token}`)
        .send({ currentPassword: 'alice123', newPassword: 'newsecret1' })
        .expect(409);
      await request(api.app).post('/auth/login').send({ email: 'alice@example.com', password: 'alice123' }).expect(200);
      await request(api.app).post('/auth/login').send({ email: 'alice@example.com', password: 'newsecret1' }).expect(401);
      await request(api.app).post('/auth/register').send({ email: 'mallory@example.com', password: 'mallory123' }).expect(409);
      await request(api.app).post('/auth/login').send({ email: 'mallory@example.com', password: 'mallory123' }).expect(401);
      await api.close();
    } finally {
      silenced.mockRestore();
      project.cleanup();
    }
  });
});

describe('the playground names demo accounts only to this machine', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['192.168.1.20', false],
    ['::ffff:10.0.0.2', false],
    ['fe80::1', false],
    [undefined, false],
  ])('%s → %s', (address, expected) => {
    expect(isLoopbackAddress(address)).toBe(expected);
  });
});

describe('command line', () => {
  it('users add --default-role admin is refused, as the server refuses it', async () => {
    const project = makeProject({ 'users.json': [] });
    try {
      const result = await runCli(['users', 'add', 'y@example.com', '--password', 'longenough1', '--default-role', 'admin'], project.dir);
      expect(result.code).toBe(2);
      expect(errorCodeOf(result.stderr)).toBe('ERR_OPTION');
      expect(project.json('users.json')).toEqual([]);
      expect((await runCli(['users', 'add', 'z@example.com', '--password', 'longenough1', '--role', 'admin'], project.dir)).code).toBe(0);
    } finally {
      project.cleanup();
    }
  });

  it('help <unknown> is a usage error', async () => {
    const result = await runCli(['help', 'nope'], process.cwd());
    expect(result.code).toBe(2);
    expect(errorCodeOf(result.stderr)).toBe('ERR_USAGE');
    expect(result.stderr).toContain('no command "nope"');
    expect((await runCli(['help', 'users'], process.cwd())).code).toBe(0);
  });

  it('--help into a pipe closed early exits 0 without a stack trace', async () => {
    const child = spawn(process.execPath, [BIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.destroy(); // as `| head -1` does once it has its line
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    expect(stderr).not.toContain('EPIPE');
  });
});

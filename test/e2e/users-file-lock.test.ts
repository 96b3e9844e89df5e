import { existsSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { call, makeProject, pollUntil, runCli, SAMPLE_DB, startCli, type Project } from '../support';

/**
 * users.json is written by several processes (the server, `users add`, `token`): each reads, changes and writes
 * the whole file under .fake-jwt-api/users.json.lock, re-reading it first, so no acknowledged change is lost to another
 * process's older copy.
 */

interface StoredAccount {
  id: number | string;
  email: string;
}

const accountsIn = (project: Project) => project.json('users.json') as StoredAccount[];
const emailsIn = (project: Project) =>
  accountsIn(project)
    .map((account) => account.email)
    .sort();

function addUser(project: Project, email: string) {
  return runCli(['users', 'add', email, '--password', `${email.split('@')[0]}-pass`], project.dir);
}

describe('users.json written by several processes at once', () => {
  it('keeps every account of concurrent `users add` runs, each with its own id', async () => {
    const project = makeProject({ 'users.json': [{ id: 1, email: 'alice@example.com', password: 'alice123' }] });
    const emails = Array.from({ length: 6 }, (_, index) => `user${index}@example.com`);
    const runs = await Promise.all(emails.map((email) => addUser(project, email)));
    for (const run of runs) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Added');
    }
    expect(emailsIn(project)).toEqual(['alice@example.com', ...emails].sort());
    const ids = accountsIn(project).map((account) => account.id);
    expect(new Set(ids).size).toBe(ids.length);
    project.cleanup();
  });

  it('keeps every registration the server acknowledged while `users add` runs beside it', async () => {
    const project = makeProject({ 'db.json': SAMPLE_DB, 'users.json': [{ id: 1, email: 'alice@example.com', password: 'alice123' }] });
    const cli = await startCli(['db.json'], project.dir);
    try {
      const registered = Array.from({ length: 6 }, (_, index) => `web${index}@example.com`);
      const added = Array.from({ length: 3 }, (_, index) => `cli${index}@example.com`);
      const [registrations, runs] = await Promise.all([
        Promise.all(registered.map((email) => call(`${cli.url}/auth/register`, 'POST', { email, password: 'password-123' }))),
        Promise.all(added.map((email) => addUser(project, email))),
      ]);
      for (const registration of registrations) expect(registration.status).toBe(201);
      for (const run of runs) expect(run.code).toBe(0);

      expect(emailsIn(project)).toEqual(['alice@example.com', ...registered, ...added].sort());
      // Every acknowledged registration still works: its token, and a login with its password.
      for (const [index, registration] of registrations.entries()) {
        expect((await call(`${cli.url}/auth/me`, 'GET', undefined, registration.body.accessToken as string)).status).toBe(200);
        expect((await call(`${cli.url}/auth/login`, 'POST', { email: registered[index], password: 'password-123' })).status).toBe(200);
      }
      for (const email of added) {
        expect((await call(`${cli.url}/auth/login`, 'POST', { email, password: `${email.split('@')[0]}-pass` })).status).toBe(200);
      }
      const ids = accountsIn(project).map((account) => account.id);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      await cli.stop();
    }
    project.cleanup();
  });

  it('a password change and an admin deletion made while `users add` waits survive its write', async () => {
    const project = makeProject({
      'db.json': SAMPLE_DB,
      'users.json': [
        { id: 1, email: 'admin@example.com', password: 'admin123', role: 'admin' },
        { id: 2, email: 'alice@example.com', password: 'alice123' },
        { id: 3, email: 'deputy@example.com', password: 'deputy123', role: 'admin' },
      ],
    });
    const cli = await startCli(['db.json'], project.dir);
    const idLock = project.file('.fake-jwt-api/account-ids.json.lock');
    try {
      const adminToken = (await call(`${cli.url}/auth/login`, 'POST', { email: 'admin@example.com', password: 'admin123' })).body.accessToken as string;
      const aliceToken = (await call(`${cli.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' })).body.accessToken as string;

      // Held by this (live) process, the account-id lock stops `users add` at the moment it claims an id.
      writeFileSync(idLock, `${hostname()} ${process.pid} held-by-the-test`);
      const adding = addUser(project, 'carol@example.com');
      await pollUntil(async () => existsSync(project.file('.fake-jwt-api/users.json.lock')), Boolean, 50, 100);
      await sleep(300);

      const changing = call(`${cli.url}/auth/password`, 'POST', { currentPassword: 'alice123', newPassword: 'alice-new-pass' }, aliceToken);
      const deleting = call(`${cli.url}/auth/users/3`, 'DELETE', undefined, adminToken);
      await sleep(500);
      unlinkSync(idLock);

      const [added, changed, deleted] = await Promise.all([adding, changing, deleting]);
      expect(added.code).toBe(0);
      expect(changed.status).toBe(204);
      expect(deleted.status).toBe(204);

      expect(emailsIn(project)).toEqual(['admin@example.com', 'alice@example.com', 'carol@example.com']);
      const login = (email: string, password: string) => call(`${cli.url}/auth/login`, 'POST', { email, password }).then((response) => response.status);
      expect(await login('alice@example.com', 'alice123')).toBe(401);
      expect(await login('alice@example.com', 'alice-new-pass')).toBe(200);
      expect(await login('deputy@example.com', 'deputy123')).toBe(401);
      expect(await login('carol@example.com', 'carol-pass')).toBe(200);
      const listed = await call(`${cli.url}/auth/users`, 'GET', undefined, adminToken);
      expect((listed.body as StoredAccount[]).map((account) => account.email).sort()).toEqual(['admin@example.com', 'alice@example.com', 'carol@example.com']);
    } finally {
      if (existsSync(idLock)) unlinkSync(idLock);
      await cli.stop();
    }
    project.cleanup();
  });
});

import { existsSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import type { AccessClaims } from '../../src/auth/tokens';
import { call, errorCodeOf, makeProject, runCli, startCli, type CliProcess, type Project } from '../support';

const decodeJwt = (token: string) => jwt.decode(token) as AccessClaims;

// `fake-jwt-api token <email>` as a user runs it: a separate process from the server it makes a token for.
describe('fake-jwt-api token', () => {
  let project: Project;
  let server: CliProcess | undefined;

  beforeEach(() => {
    project = makeProject();
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    project.cleanup();
  });

  const token = async (...args: string[]) => {
    const run = await runCli(['token', ...args], project.dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // The token alone on stdout, so TOKEN=$(fake-jwt-api token ...) works.
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    return run.stdout.trim();
  };

  it('prints a token the running server accepts at once, and logout ends it', async () => {
    server = await startCli(['db.json'], project.dir);
    const accessToken = await token('alice@example.com');
    // The default: RS256 with the kid of the state folder's key pair, issued by http://localhost:<--port or 3000>,
    // which the server (on another port) accepts as its own loopback origin.
    expect(decodeJwt(accessToken)).toMatchObject({ sub: '2', email: 'alice@example.com', role: 'user', iss: 'http://localhost:3000' });
    expect(jwt.decode(accessToken, { complete: true })!.header).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });

    expect((await call(`${server.url}/posts`, 'GET', undefined, accessToken)).status).toBe(200);
    expect((await call(`${server.url}/auth/me`, 'GET', undefined, accessToken)).body).toMatchObject({ email: 'alice@example.com' });
    expect((await call(`${server.url}/auth/logout`, 'POST', {}, accessToken)).status).toBe(204);
    expect((await call(`${server.url}/posts`, 'GET', undefined, accessToken)).body).toMatchObject({ error: 'invalid_token' });
  });

  it('keeps its session when the server writes the sessions file before the token is used', async () => {
    server = await startCli(['db.json'], project.dir);
    const first = await token('bob@example.com');
    // A login makes the server write the file: it must merge the token's session in, not write over it.
    expect((await call(`${server.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' })).status).toBe(200);
    const { sessions } = project.json('.fake-jwt-api/sessions.json') as { sessions: Array<{ id: string }> };
    expect(sessions.map((session) => session.id)).toContain(decodeJwt(first).sid);
    expect((await call(`${server.url}/posts`, 'GET', undefined, first)).status).toBe(200);
  });

  it('loses no session when token commands and logins write the file at the same moment', async () => {
    server = await startCli(['db.json'], project.dir);
    const url = server.url;
    const [fromCommands, fromLogins] = await Promise.all([
      Promise.all(Array.from({ length: 4 }, () => token('bob@example.com'))),
      Promise.all(Array.from({ length: 4 }, () => call(`${url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' }))),
    ]);
    const wanted = [...fromCommands, ...fromLogins.map((login) => login.body.accessToken as string)].map((accessToken) => decodeJwt(accessToken).sid);
    // Every write holds the file's lock and merges what the others wrote, so the last file holds all eight.
    const { sessions } = project.json('.fake-jwt-api/sessions.json') as { sessions: Array<{ id: string }> };
    expect(sessions.map((session) => session.id)).toEqual(expect.arrayContaining(wanted));
    for (const accessToken of fromCommands) expect((await call(`${url}/posts`, 'GET', undefined, accessToken)).status).toBe(200);
    expect(existsSync(project.file('.fake-jwt-api/sessions.json.lock'))).toBe(false);
  });

  it('ends a token session the server has not seen yet by logout-all, a password change, a reset, and after a restart too', async () => {
    server = await startCli(['db.json', '--allow-reset'], project.dir);
    let url = server.url;
    const logIn = async (email: string, password: string) => (await call(`${url}/auth/login`, 'POST', { email, password })).body.accessToken as string;
    const refused = async (accessToken: string) =>
      expect((await call(`${url}/auth/me`, 'GET', undefined, accessToken)).body).toMatchObject({ error: 'invalid_token' });

    // Each time the other session logs in first: the server's next write is the ending itself.
    let alice = await logIn('alice@example.com', 'alice123');
    const beforeLogoutAll = await token('alice@example.com');
    expect((await call(`${url}/auth/logout-all`, 'POST', {}, alice)).status).toBe(204);
    await refused(beforeLogoutAll);

    alice = await logIn('alice@example.com', 'alice123');
    const beforePasswordChange = await token('alice@example.com');
    const change = { currentPassword: 'alice123', newPassword: 'alice-new-password' };
    expect((await call(`${url}/auth/password`, 'POST', change, alice)).status).toBe(204);
    await refused(beforePasswordChange);

    const admin = await logIn('admin@example.com', 'admin123');
    const beforeReset = await token('bob@example.com');
    expect((await call(`${url}/__reset`, 'POST', undefined, admin)).status).toBe(204);
    await refused(beforeReset);

    // What the file says after all that: a restarted server refuses them as well.
    await server.stop();
    server = await startCli(['db.json'], project.dir);
    url = server.url;
    for (const ended of [beforeLogoutAll, beforePasswordChange, beforeReset]) await refused(ended);
  });

  it('revokes (RFC 7009) a token the server had not seen yet', async () => {
    server = await startCli(['db.json'], project.dir);
    const fromCommand = await token('alice@example.com');
    expect((await call(`${server.url}/auth/revoke`, 'POST', { token: fromCommand })).status).toBe(200);
    expect((await call(`${server.url}/auth/me`, 'GET', undefined, fromCommand)).body).toMatchObject({ error: 'invalid_token' });
  });

  it('keeps logouts and password changes working when the sessions file was broken by hand', async () => {
    server = await startCli(['db.json'], project.dir);
    const login = async () =>
      (await call(`${server!.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' })).body.accessToken as string;
    const [first, second] = [await login(), await login()];
    project.write('.fake-jwt-api/sessions.json', '{ broken');
    expect((await call(`${server.url}/auth/password`, 'POST', { currentPassword: 'alice123', newPassword: 'alice-new-password' }, second)).status).toBe(204);
    expect((await call(`${server.url}/auth/me`, 'GET', undefined, first)).status).toBe(401);
    expect((await call(`${server.url}/auth/logout-all`, 'POST', {}, second)).status).toBe(204);
    expect((await call(`${server.url}/auth/me`, 'GET', undefined, second)).status).toBe(401);
    // The server wrote what it holds over the broken file, and said so on its console.
    expect(() => project.json('.fake-jwt-api/sessions.json')).not.toThrow();
    expect(server.output()).toContain('sessions.json');
  });

  it('ends a token session with a --single-session login', async () => {
    server = await startCli(['db.json', '--single-session'], project.dir);
    const fromCommand = await token('alice@example.com');
    expect((await call(`${server.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' })).status).toBe(200);
    expect((await call(`${server.url}/auth/me`, 'GET', undefined, fromCommand)).body).toMatchObject({ error: 'invalid_token' });
  });

  it('makes tokens that a server started later accepts, with the lifetime asked for', async () => {
    const accessToken = await token('admin@example.com', '--ttl', '90s');
    const claims = decodeJwt(accessToken);
    expect(claims.exp - claims.iat).toBe(90);
    server = await startCli(['db.json'], project.dir);
    expect((await call(`${server.url}/db`, 'GET', undefined, accessToken)).status).toBe(200);
  });

  it('signs with the secret and issuer it is given, as the server must be', async () => {
    const secret = 'a-secret-for-this-test-that-is-long-enough';
    server = await startCli(['db.json', '--issuer', 'course-api'], project.dir, { JWT_SECRET: secret });
    const matching = await runCli(['token', 'alice@example.com', '--issuer', 'course-api'], project.dir, { JWT_SECRET: secret });
    expect(matching.code).toBe(0);
    expect((await call(`${server.url}/posts`, 'GET', undefined, matching.stdout.trim())).status).toBe(200);
    const otherIssuer = await token('alice@example.com', '--secret', secret);
    expect((await call(`${server.url}/posts`, 'GET', undefined, otherIssuer)).body).toMatchObject({ error: 'invalid_token' });
  });

  it('refuses an unknown email, a bad --ttl and a missing users file with exit code 2 and nothing on stdout', async () => {
    for (const [code, ...args] of [
      ['ERR_ACCOUNT', 'nobody@example.com'],
      ['ERR_OPTION', 'alice@example.com', '--ttl', 'soon'],
      ['ERR_USERS_FILE', 'alice@example.com', '--users', 'missing.json'],
    ]) {
      const run = await runCli(['token', ...args], project.dir);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(errorCodeOf(run.stderr)).toBe(code);
    }
    const unknown = await runCli(['token', 'nobody@example.com'], project.dir);
    expect(unknown.stderr).toContain('nobody@example.com');
  });
});

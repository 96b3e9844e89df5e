import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import jwt from 'jsonwebtoken';
import { call, errorCodeOf, login, runCli, SAMPLE_LOGINS, useCliProject, type CliProcess } from '../support';

// `keys rotate --alg X` and the `token` command, as a user runs them: which key signs after which start, and what
// the commands say about it. A start signs with the newest key of its --alg and retires every other one.
const run = promisify(execFile);
const VERIFIER = path.join(__dirname, 'jose-verify.mjs');

const { project, start } = useCliProject();
let server: CliProcess;
const { email, password } = SAMPLE_LOGINS.alice;
const headerOf = (token: string) => jwt.decode(token, { complete: true })!.header;
const keysCommand = (...args: string[]) => runCli(['keys', ...args], project.dir);

/** Verified by jose in another process, with the server's JWKS and discovery's issuer: throws if it does not verify. */
async function verifiedByJwks(url: string, token: string) {
  const { stdout } = await run(process.execPath, [VERIFIER, url, token]);
  return JSON.parse(stdout) as { protectedHeader: jwt.JwtHeader; payload: jwt.JwtPayload };
}

/** A default start (RS256) made the key that signs; stopped, as before a rotation. Its kid. */
async function firstStartKid(): Promise<string> {
  server = await start(['db.json']);
  const kid = headerOf(await login(server.url, email, password)).kid!;
  await server.stop();
  return kid;
}

describe('keys rotate --alg ES256 on a project whose server signs RS256', () => {
  it('says the new key is ES256 and signs from the next start with --alg ES256; that start signs with it', async () => {
    const oldKid = await firstStartKid();
    const rotated = await keysCommand('rotate', '--alg', 'ES256');
    expect(rotated).toMatchObject({ code: 0, stderr: '' });
    const newKid = rotated.stdout.split(/\s+/)[0];
    expect(rotated.stdout).toContain(`${newKid}  ES256: a new ES256 key pair; it signs from the next start of a server started with --alg ES256,`);

    server = await start(['db.json', '--alg', 'ES256']);
    const token = await login(server.url, email, password);
    const verified = await verifiedByJwks(server.url, token);
    expect(verified.protectedHeader).toMatchObject({ alg: 'ES256', kid: newKid });
    expect(verified.payload).toMatchObject({ email, iss: server.url });
    // The RS256 key it replaced verifies what it signed until that has expired.
    expect((await keysCommand('list')).stdout).toMatch(new RegExp(`${oldKid}  RS256 .* verifies until`));
  });

  it('says a start without --alg keeps RS256; that start signs RS256 with the old key, and the ES256 key never signs', async () => {
    const oldKid = await firstStartKid();
    const rotated = await keysCommand('rotate', '--alg', 'ES256');
    const newKid = rotated.stdout.split(/\s+/)[0];
    expect(rotated.stdout.split('\n')[1]).toBe(
      `the key that signs now (${oldKid}) is RS256: a start without --alg keeps signing RS256 and retires ${newKid} without signing with it`,
    );
    // Before the start, the listing says the same of each key.
    const listed = (await keysCommand('list')).stdout;
    expect(listed).toMatch(new RegExp(`${oldKid}  RS256 .* signs from the next start \\(or signs now\\)`));
    expect(listed).toMatch(new RegExp(`${newKid}  ES256 .* signs from the next start of a server started with --alg ES256`));

    server = await start(['db.json']);
    const token = await login(server.url, email, password);
    expect((await verifiedByJwks(server.url, token)).protectedHeader).toMatchObject({ alg: 'RS256', kid: oldKid });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a retired key that signed nothing is gone after the clock tolerance
    const jwks = await call(`${server.url}/.well-known/jwks.json`, 'GET');
    expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toEqual([oldKid]);
  });

  it('a later rotate without --alg keeps the algorithm of the key that signs now, RS256', async () => {
    await firstStartKid();
    await keysCommand('rotate', '--alg', 'ES256');
    const again = await keysCommand('rotate');
    expect(again.stdout).toMatch(/^\S+ {2}RS256: a new RS256 key pair; it signs from the next start, and the key that signs now then only verifies/);
    expect(again.stdout.split('\n')).toHaveLength(2); // one line: same algorithm, nothing to warn about
  });

  it('refuses --alg HS256, which is a secret, not a key pair, and leaves keys.json as it was', async () => {
    await firstStartKid();
    const before = project.read('.fake-jwt-api/keys.json');
    const refused = await keysCommand('rotate', '--alg', 'HS256');
    expect(refused.code).toBe(2);
    expect(errorCodeOf(refused.stderr)).toBe('ERR_OPTION');
    expect(project.read('.fake-jwt-api/keys.json')).toBe(before);
    server = await start(['db.json']);
    expect((await call(`${server.url}/.well-known/jwks.json`, 'GET')).status).toBe(200);
  });
});

describe('token on a default project', () => {
  const token = async (...args: string[]) => (await runCli(['token', email, ...args], project.dir)).stdout.trim();

  it("signs with the server's key pair: the kid of its login tokens, verifiable with its JWKS", async () => {
    server = await start(['db.json']);
    const fromLogin = await login(server.url, email, password);
    const fromCommand = await token('--issuer', server.url);
    expect(headerOf(fromCommand)).toMatchObject({ alg: 'RS256', kid: headerOf(fromLogin).kid });
    expect((await verifiedByJwks(server.url, fromCommand)).payload).toMatchObject({ sub: '2', email });
  });

  it('after keys rotate, signs with the new key: the running server accepts it, and the next start signs with it', async () => {
    server = await start(['db.json']);
    const newKid = (await keysCommand('rotate')).stdout.split(/\s+/)[0];
    const fromCommand = await token();
    expect(headerOf(fromCommand).kid).toBe(newKid);
    expect((await call(`${server.url}/auth/me`, 'GET', undefined, fromCommand)).status).toBe(200);
    await server.stop();
    server = await start(['db.json']);
    expect(headerOf(await login(server.url, email, password)).kid).toBe(newKid);
  });

  it('with --secret signs HS256, which a key-pair server refuses, as --help says', async () => {
    server = await start(['db.json']);
    const withSecret = await token('--secret', 'a-secret-that-is-long-enough-for-hs256-tokens');
    expect(headerOf(withSecret)).toMatchObject({ alg: 'HS256' });
    expect((await call(`${server.url}/auth/me`, 'GET', undefined, withSecret)).status).toBe(401);
    const help = (await runCli(['token', '--help'], project.dir)).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('--secret <secret> the secret of a server that signs with HS256 (started with --secret, JWT_SECRET or --alg HS256)');
  });
});

import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { call, freePort, login, ROOT, runCli, SAMPLE_LOGINS, useCleanup, useCliProject, type CliProcess } from '../support';

// README "Verify our tokens elsewhere": an Express API of someone else's, with express-jwt and jwks-rsa, run as the
// README shows it (the snippet file is the README's code block) in its own process, against the built CLI.
const SNIPPET = path.join(__dirname, 'express-jwt-snippet.js');

const { project, start } = useCliProject();
const track = useCleanup();
let server: CliProcess;
let appUrl: string;

/** Runs the snippet on a free port with fake-jwt-api's URL, and waits until it answers. */
async function startSnippet(apiUrl: string): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, [SNIPPET], { env: { ...process.env, API_URL: apiUrl, PORT: String(port) } });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  track({ close: () => new Promise<void>((done) => (child.exitCode !== null ? done() : (child.once('exit', () => done()), child.kill('SIGTERM')))) });
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 15000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
    if (child.exitCode !== null) throw new Error(`the Express app exited with ${child.exitCode}:\n${output}`);
    if (
      await fetch(`${url}/api/me`).then(
        () => true,
        () => false,
      )
    )
      return url;
  }
  throw new Error(`the Express app did not answer:\n${output}`);
}

const me = (token?: string) => call(`${appUrl}/api/me`, 'GET', undefined, token);
const headerOf = (token: string) => jwt.decode(token, { complete: true })!.header;

describe('the README snippet, run against the CLI', () => {
  beforeEach(async () => {
    // The issuer is the origin the login came through: the app is told the same one, 127.0.0.1.
    server = await start(['db.json']);
    appUrl = await startSnippet(server.url);
  });

  it('accepts a login token of ours, verified with the key our JWKS publishes', async () => {
    const token = await login(server.url, SAMPLE_LOGINS.alice.email, SAMPLE_LOGINS.alice.password);
    expect(headerOf(token)).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(await me(token)).toMatchObject({ status: 200, body: { sub: '2', email: 'alice@example.com' } });
  });

  it('refuses a token with a wrong signature, one of another issuer, and none (401)', async () => {
    const token = await login(server.url, SAMPLE_LOGINS.alice.email, SAMPLE_LOGINS.alice.password);
    const [header, , signature] = token.split('.');
    const claims = jwt.decode(token) as jwt.JwtPayload;

    // Our header and signature on claims made admin's; and our claims signed by another key under our kid.
    const asAdmin = Buffer.from(JSON.stringify({ ...claims, sub: '1', email: 'admin@example.com', role: 'admin' })).toString('base64url');
    expect((await me(`${header}.${asAdmin}.${signature}`)).status).toBe(401);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = jwt.sign(claims, privateKey, { algorithm: 'RS256', keyid: headerOf(token).kid, header: { alg: 'RS256', typ: 'at+jwt' } });
    expect((await me(forged)).status).toBe(401);

    // Signed by the same key, but issued for http://localhost:3000 (the token command's default), not the app's issuer.
    const otherIssuer = (await runCli(['token', SAMPLE_LOGINS.alice.email], project.dir)).stdout.trim();
    expect(jwt.decode(otherIssuer)).toMatchObject({ iss: 'http://localhost:3000', sub: '2' });
    expect(headerOf(otherIssuer).kid).toBe(headerOf(token).kid);
    expect((await me(otherIssuer)).status).toBe(401);

    expect((await me()).status).toBe(401);
    // The same request with our token passes: the refusals above are the token's, not the app's.
    expect((await me(token)).status).toBe(200);
  });
});

it('is the code block of the README', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  expect(readme).toContain(`\`\`\`js\n${readFileSync(SNIPPET, 'utf8')}\`\`\``);
});

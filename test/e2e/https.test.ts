/**
 * --https: the built command line serves over HTTPS with a self-signed certificate it makes once and keeps in the
 * state folder, or with --cert and --key. Every request here trusts that one certificate as its only CA, so a
 * certificate that did not name the address, or a server that presented another, fails the test.
 */
import { execFile, execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { certificateNames, selfSignedCertificate } from '../../src/state/certificate';
import { errorCodeOf, runCli, SAMPLE_USERS, useCliProject } from '../support';

const alice = SAMPLE_USERS.find((user) => user.email === 'alice@example.com')!;
const NOTES = [
  { id: 1, text: 'alice note', userId: alice.id },
  { id: 2, text: 'someone else’s', userId: 999 },
];
const { project, start } = useCliProject({ 'db.json': { notes: NOTES }, 'users.json': SAMPLE_USERS, 'routes.json': { '/notes': { '*': 'owner' } } });
const stateFile = (name: string) => path.join(project.dir, '.fake-jwt-api', name);
const FLOW = path.join(__dirname, 'openid-client-flow.mjs');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  /** The SHA-256 fingerprint of the certificate the server presented. */
  served: string;
}

/** One request over HTTPS that trusts only `ca`; `name` is the host name asked for (SNI, Host and the name checked). */
function request(url: string, ca: string, options: { method?: string; body?: unknown; name?: string } = {}): Promise<Answer> {
  const target = new URL(url);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        ca,
        servername: options.name,
        headers: { ...(options.name ? { host: `${options.name}:${target.port}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        const served = (res.socket as import('node:tls').TLSSocket).getPeerCertificate().fingerprint256;
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode!, headers: res.headers, body: parsed, served });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const fingerprintOf = (pem: string) => new X509Certificate(pem).fingerprint256;

describe('--https', () => {
  it('serves over HTTPS with a certificate kept in the state folder, for localhost and 127.0.0.1; the issuer is https', async () => {
    const cli = await start(['db.json', '--https']);
    expect(cli.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const cert = readFileSync(stateFile('https-cert.pem'), 'utf8');
    expect(statSync(stateFile('https-key.pem')).mode & 0o777).toBe(0o600);
    const certificate = new X509Certificate(cert);
    expect(certificate.checkHost('localhost')).toBe('localhost');
    for (const ip of ['127.0.0.1', '::1']) expect(certificate.checkIP(ip)).toBe(ip);
    const days = (Date.parse(certificate.validTo) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(360);
    expect(days).toBeLessThan(366);
    expect(cli.output()).toContain(`SHA-256 ${certificate.fingerprint256}`);

    const discovery = await request(`${cli.url}/.well-known/openid-configuration`, cert);
    expect(discovery.served).toBe(certificate.fingerprint256);
    expect(discovery.body).toMatchObject({ issuer: cli.url, token_endpoint: `${cli.url}/auth/token` });
    const byName = await request(`${cli.url}/.well-known/openid-configuration`, cert, { name: 'localhost' });
    expect(byName.body.issuer).toBe(`https://localhost:${new URL(cli.url).port}`);

    const login = await request(`${cli.url}/auth/login`, cert, { method: 'POST', body: { email: alice.email, password: alice.password } });
    expect(login.status).toBe(200);
    expect(login.body.accessToken).toEqual(expect.any(String));
  });

  it("sets the provider's cookies Secure, as it now can", async () => {
    const cli = await start(['db.json', '--https']);
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: 'my-spa',
      redirect_uri: 'http://127.0.0.1:5173/callback',
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    const page = await request(`${cli.url}/auth/authorize?${query}`, readFileSync(stateFile('https-cert.pem'), 'utf8'));
    expect(page.status).toBe(200);
    const cookies = page.headers['set-cookie'] ?? [];
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie).toMatch(/;\s*Secure/i);
  });

  it('keeps the certificate across starts, and makes a new one when a name is missing from it', async () => {
    let cli = await start(['db.json', '--https']);
    const first = fingerprintOf(readFileSync(stateFile('https-cert.pem'), 'utf8'));
    expect(cli.output()).toContain('made now');
    await cli.stop();

    cli = await start(['db.json', '--https']);
    expect(cli.output()).toContain('kept from an earlier start');
    const cert = readFileSync(stateFile('https-cert.pem'), 'utf8');
    expect(fingerprintOf(cert)).toBe(first);
    expect((await request(`${cli.url}/.well-known/jwks.json`, cert)).served).toBe(first);
    await cli.stop();

    cli = await start(['db.json', '--https', '--allowed-host', 'teacher.example']);
    const renewed = readFileSync(stateFile('https-cert.pem'), 'utf8');
    expect(fingerprintOf(renewed)).not.toBe(first);
    expect(new X509Certificate(renewed).checkHost('teacher.example')).toBe('teacher.example');
    const answer = await request(`${cli.url}/.well-known/openid-configuration`, renewed, { name: 'teacher.example' });
    expect(answer.body.issuer).toBe(`https://teacher.example:${new URL(cli.url).port}`);
  });

  it('writes no certificate when the start fails (README "What is written where")', async () => {
    writeFileSync(path.join(project.dir, 'broken.json'), '{ not json');
    const result = await runCli(['db.json', '--https', '--routes', 'broken.json', '--port', '0'], project.dir);
    expect(result.code).toBe(2);
    expect(existsSync(path.join(project.dir, '.fake-jwt-api'))).toBe(false);
  });

  it('runs the code flow with PKCE for openid-client, trusting the certificate as Node does with NODE_EXTRA_CA_CERTS', async () => {
    const cli = await start(['db.json', '--https']);
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: stateFile('https-cert.pem') };
    const { stdout } = await promisify(execFile)(process.execPath, [FLOW, cli.url, alice.email, alice.password], { timeout: 30_000, env });
    const flow = JSON.parse(stdout);
    expect(flow.issuer).toBe(cli.url);
    expect(flow.claims).toMatchObject({ iss: cli.url, sub: String(alice.id), email: alice.email });
    expect(flow.notes).toEqual({ status: 200, body: [NOTES[0]] });
  });
});

describe('--cert and --key', () => {
  let own: { cert: string; key: string; otherKey: string; dir: string };
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'own-cert-'));
    const made = await selfSignedCertificate(dir, certificateNames([]));
    await made.keep();
    own = { dir, cert: path.join(dir, 'https-cert.pem'), key: path.join(dir, 'https-key.pem'), otherKey: path.join(dir, 'other-key.pem') };
    expect(made.certFile).toBe(own.cert);
    writeFileSync(own.otherKey, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  });
  afterAll(() => rmSync(own.dir, { recursive: true, force: true }));

  it('serves that certificate, and makes none of its own', async () => {
    const cli = await start(['db.json', '--cert', own.cert, '--key', own.key]);
    expect(cli.url).toMatch(/^https:/);
    const cert = readFileSync(own.cert, 'utf8');
    const answer = await request(`${cli.url}/.well-known/openid-configuration`, cert);
    expect(answer.served).toBe(fingerprintOf(cert));
    expect(answer.body.issuer).toBe(cli.url);
    expect(() => statSync(stateFile('https-cert.pem'))).toThrow();
  });

  it.each([
    ['--cert without --key', (files: typeof own) => ['--cert', files.cert]],
    ['--key without --cert', (files: typeof own) => ['--key', files.key]],
    ['a key that is not the certificate’s', (files: typeof own) => ['--cert', files.cert, '--key', files.otherKey]],
    ['a certificate file that is missing', (files: typeof own) => ['--cert', path.join(files.dir, 'none.pem'), '--key', files.key]],
    ['a certificate that is a FIFO (it would never end)', (files: typeof own) => ['--cert', path.join(files.dir, 'fifo.pem'), '--key', files.key]],
    ['a certificate over 1 MiB', (files: typeof own) => ['--cert', path.join(files.dir, 'huge.pem'), '--key', files.key]],
    ['a key inside the static folder, which would serve it', () => ['--cert', 'public/c.pem', '--key', 'public/k.pem']],
  ])('%s is a usage error (exit 2, ERR_OPTION)', async (_name, flags) => {
    execFileSync('mkfifo', [path.join(own.dir, 'fifo.pem')], { stdio: 'ignore' });
    writeFileSync(path.join(own.dir, 'huge.pem'), 'x'.repeat(1024 * 1024 + 1));
    mkdirSync(path.join(project.dir, 'public'), { recursive: true });
    copyFileSync(own.cert, path.join(project.dir, 'public', 'c.pem'));
    copyFileSync(own.key, path.join(project.dir, 'public', 'k.pem'));
    const result = await runCli(['db.json', '--port', '0', ...flags(own)], project.dir);
    rmSync(path.join(own.dir, 'fifo.pem'), { force: true });
    expect(result.code).toBe(2);
    expect(errorCodeOf(result.stderr)).toBe('ERR_OPTION');
  });
});

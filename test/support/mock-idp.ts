import { spawn } from 'node:child_process';
import path from 'node:path';
import { useCleanup, type Closable } from './server';

/** The signing algorithms oauth2-mock-server generates keys for. */
export type MockIdpAlg = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

export interface MockIdpOptions {
  /** Where to listen on 127.0.0.1; 0 (default) for any free port. A port chosen ahead lets a test trust it before it runs. */
  port?: number;
  /** One signing key per entry; ['RS256'] unless given. */
  keys?: MockIdpAlg[];
  /** The `iss` the provider claims (its own URL by default): a rogue provider claims a trusted one's, with its own keys. */
  issuer?: string;
  /** false: no discovery documents, for --trust-jwks. */
  discovery?: boolean;
}

export interface MockIdp extends Closable {
  /** Where it listens, as http://127.0.0.1:<port>. */
  readonly url: string;
  /** The `iss` of its tokens: `url` unless the options named another. */
  readonly issuer: string;
  readonly jwksUri: string;
  /**
   * An access token from its real token endpoint (client credentials; `sub` is the client id, `test-client`, unless
   * `claims` says otherwise). `claims` and `header` are merged in before it signs, a null value removing the member;
   * `alg` re-signs it with the same key under another algorithm.
   */
  token(claims?: Record<string, unknown>, header?: Record<string, unknown>, alg?: string): Promise<string>;
  /** The paths requested of it so far, in order (its token endpoint included). */
  requests(): Promise<string[]>;
  /** Adds a signing key, as a provider rotating its keys; the new key's kid. */
  addKey(alg?: MockIdpAlg): Promise<string>;
}

const SERVER_SCRIPT = path.join(__dirname, 'mock-idp-server.mjs');

/** Starts a provider in a child process (oauth2-mock-server is ESM only); the caller closes it: prefer useMockIdps(). */
export function startMockIdp(options: MockIdpOptions = {}): Promise<MockIdp> {
  const child = spawn(process.execPath, [SERVER_SCRIPT, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let stdout = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      child.kill('SIGTERM');
    }
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => void close().then(() => reject(new Error(`the mock identity provider did not start:\n${output}`))), 15000);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the mock identity provider exited with ${code}:\n${output}`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!stdout.includes('\n')) return;
      const line = stdout.slice(0, stdout.indexOf('\n'));
      clearTimeout(timer);
      const { url, issuer, jwksUri } = JSON.parse(line) as { url: string; issuer: string; jwksUri: string };
      resolve({
        url,
        issuer,
        jwksUri,
        close,
        token: (claims, header, alg) => tokenFrom(url, claims, header, alg),
        requests: () => requestsOf(url),
        addKey: (alg) => addKeyTo(url, alg),
      });
    });
  });
}

async function tokenFrom(url: string, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, alg?: string): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', claims: JSON.stringify(claims), header: JSON.stringify(header) });
  if (alg !== undefined) form.set('alg', alg);
  const response = await fetch(`${url}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('test-client:test-secret').toString('base64')}` },
    body: form,
  });
  if (!response.ok) throw new Error(`the mock identity provider's token endpoint answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function requestsOf(url: string): Promise<string[]> {
  return (await fetch(`${url}/__mock/requests`)).json() as Promise<string[]>;
}

async function addKeyTo(url: string, alg: MockIdpAlg = 'RS256'): Promise<string> {
  return ((await (await fetch(`${url}/__mock/keys?alg=${alg}`, { method: 'POST' })).json()) as { kid: string }).kid;
}

/** `start(options)` for a test file: every provider it starts is stopped after its test (or after the file, from beforeAll). */
export function useMockIdps(): (options?: MockIdpOptions) => Promise<MockIdp> {
  const track = useCleanup();
  return async (options) => track(await startMockIdp(options));
}

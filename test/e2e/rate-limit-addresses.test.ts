/**
 * Login throttling by client address (issue 15, README "Rate limits"), with real addresses: the built command line
 * listens on 127.0.0.1 and the requests leave from two loopback addresses, 127.0.0.1 and 127.0.0.2 (Linux routes all
 * of 127.0.0.0/8 to lo). A lockout holds one address back, not the other; X-Forwarded-For counts only from the
 * proxies --trust-proxy names, or a guesser would rotate it to escape.
 */
import http from 'node:http';
import { errorCodeOf, runCli, useCliProject, type CliProcess } from '../support';

// Three failures per account and address, then a minute's wait; the address-wide limit keeps its default (100).
const RATE_LIMIT = ['--rate-limit', 'login=3/1m'];
const ALICE = { email: 'alice@example.com', password: 'alice123' };

interface Answer {
  status: number;
  retryAfter?: string;
  body: { error?: string; message?: string; accessToken?: string };
}

/** POST /auth/login over a socket bound to `from`, with an X-Forwarded-For header when `forwardedFor` is given. */
function loginFrom(server: CliProcess, from: string, password: string, forwardedFor?: string): Promise<Answer> {
  const { hostname, port } = new URL(server.url);
  const body = JSON.stringify({ email: ALICE.email, password });
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) };
  if (forwardedFor !== undefined) headers['X-Forwarded-For'] = forwardedFor;
  return new Promise((resolve, reject) => {
    const outgoing = http.request({ host: hostname, port, localAddress: from, method: 'POST', path: '/auth/login', headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'], body: JSON.parse(text) }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Three wrong passwords from `from` (each 401), then the right one refused: that address waits a minute. */
async function lockOut(server: CliProcess, from: string, forwardedFor?: string | string[]): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const header = Array.isArray(forwardedFor) ? forwardedFor[attempt] : forwardedFor;
    expect((await loginFrom(server, from, 'wrong-password', header)).status).toBe(401);
  }
  expectWaiting(await loginFrom(server, from, ALICE.password, Array.isArray(forwardedFor) ? forwardedFor[0] : forwardedFor));
}

function expectWaiting(answer: Answer): void {
  expect(answer.status).toBe(429);
  expect(answer.retryAfter).toBe('60');
  expect(answer.body.error).toBe('too_many_requests');
  expect(answer.body.accessToken).toBeUndefined();
}

const expectSignedIn = (answer: Answer) => expect([answer.status, typeof answer.body.accessToken]).toEqual([200, 'string']);

const cli = useCliProject();

describe("without --trust-proxy: the socket's address", () => {
  it('a lockout of 127.0.0.1 does not touch 127.0.0.2, which keeps its own count; the banner says the limits', async () => {
    const server = await cli.start(['db.json', ...RATE_LIMIT]);
    expect(server.output()).toMatch(/Failed logins: 3 per account and address \(waits 1m\)/);
    await lockOut(server, '127.0.0.1');
    expectSignedIn(await loginFrom(server, '127.0.0.2', ALICE.password));
    // Two failures from 127.0.0.2: its own count (3 would lock it), not 127.0.0.1's.
    expect((await loginFrom(server, '127.0.0.2', 'wrong-password')).status).toBe(401);
    expect((await loginFrom(server, '127.0.0.2', 'wrong-password')).status).toBe(401);
    expectSignedIn(await loginFrom(server, '127.0.0.2', ALICE.password));
    expectWaiting(await loginFrom(server, '127.0.0.1', ALICE.password));
  });

  it('X-Forwarded-For is ignored: a locked-out client cannot escape by sending it, nor spread its guesses with it', async () => {
    const server = await cli.start(['db.json', ...RATE_LIMIT]);
    // Three guesses, each claiming another address: all three are 127.0.0.1's.
    await lockOut(server, '127.0.0.1', ['127.0.0.9', '127.0.0.10', '127.0.0.11']);
    expectWaiting(await loginFrom(server, '127.0.0.1', ALICE.password, '127.0.0.12'));
    expectWaiting(await loginFrom(server, '127.0.0.1', ALICE.password));
    expectSignedIn(await loginFrom(server, '127.0.0.2', ALICE.password));
  });
});

describe('--trust-proxy', () => {
  it('loopback: X-Forwarded-For from a loopback proxy is the client, so two values are two addresses', async () => {
    const server = await cli.start(['db.json', ...RATE_LIMIT, '--trust-proxy', 'loopback']);
    await lockOut(server, '127.0.0.1', '127.0.0.9');
    expectSignedIn(await loginFrom(server, '127.0.0.1', ALICE.password, '127.0.0.10'));
    // No header: the proxy's own address, which guessed nothing.
    expectSignedIn(await loginFrom(server, '127.0.0.1', ALICE.password));
    // The client behind another loopback proxy is the same client: still waiting.
    expectWaiting(await loginFrom(server, '127.0.0.2', ALICE.password, '127.0.0.9'));
  });

  it('an address: only that proxy is believed; the header from anyone else is ignored', async () => {
    const server = await cli.start(['db.json', ...RATE_LIMIT, '--trust-proxy', '127.0.0.1']);
    await lockOut(server, '127.0.0.2', ['127.0.0.20', '127.0.0.21', '127.0.0.22']);
    expectWaiting(await loginFrom(server, '127.0.0.2', ALICE.password, '127.0.0.23'));
    // Through the trusted proxy, 127.0.0.2 is 127.0.0.2 again: waiting; another client behind it is not.
    expectWaiting(await loginFrom(server, '127.0.0.1', ALICE.password, '127.0.0.2'));
    expectSignedIn(await loginFrom(server, '127.0.0.1', ALICE.password, '127.0.0.20'));
  });
});

describe('options that cannot be understood stop the start', () => {
  it.each([
    ['--rate-limit', 'nonsense', /rate-limit: .*nonsense.*login=5\/15m,ip=50\/15m/],
    ['--rate-limit', 'login=ten/1m', /rate-limit: "login=ten\/1m" is not a number of failures and a duration/],
    ['--trust-proxy', 'nonsense', /trust-proxy: "nonsense" is not an address/],
  ])('%s %s exits with ERR_OPTION and a message naming the format', async (flag, value, message) => {
    const result = await runCli(['db.json', flag, value, '--port', '0'], cli.project.dir);
    expect(result.code).not.toBe(0);
    expect(errorCodeOf(result.stderr)).toBe('ERR_OPTION');
    expect(result.stderr).toMatch(message);
  });
});

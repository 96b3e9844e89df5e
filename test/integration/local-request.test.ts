/**
 * What this machine gets that others do not (src/http/local-request.ts): the outbox without a token under
 * --allow-reset (README "The outbox"), and the demo accounts on the provider's login page (their passwords in its
 * forms) and on the playground. Red team: behind a proxy or tunnel on this machine (ngrok, cloudflared, nginx) every
 * client's connection is loopback, so each remote client read the admin's reset link and the demo passwords. Now a
 * forwarding header of any kind, a Host that is not a loopback name, or a remote req.ip closes all three.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import request from 'supertest';
import type { FakeJwtApi } from '../../src/app/create-server';
import type { ServerOptions } from '../../src/config/server-options';
import { login, requestAs, SAMPLE_LOGINS, SAMPLE_USERS, useServer } from '../support';

const { serve } = useServer();
type Target = FakeJwtApi['app'] | string;
type Headers = Record<string, string>;

/** One of each header a proxy or tunnel adds; each alone must close what is this machine's. */
const FORWARDED: Headers[] = [
  { Forwarded: 'for=203.0.113.9;proto=https' },
  { 'X-Forwarded-For': '203.0.113.9' },
  { 'X-Forwarded-For': '127.0.0.1' }, // a remote client's claim to be local
  { 'X-Forwarded-Host': 'abc.ngrok.app' },
  { 'X-Forwarded-Proto': 'https' },
  { 'X-Real-IP': '203.0.113.9' },
  { 'CF-Connecting-IP': '203.0.113.9' },
  { 'True-Client-IP': '203.0.113.9' },
  { 'X-Client-IP': '203.0.113.9' },
  { Via: '1.1 nginx' },
];
// Names another machine addresses this server by, all of them let through by the Host check (an IP, --allowed-host).
const FOREIGN_HOSTS = ['abc.ngrok.app', '192.168.1.5:3000', '[2001:db8::5]:3000'];
const TRUST_PROXY: Array<ServerOptions['trustProxy']> = ['loopback', true, 1];
const DEMO_PASSWORDS = SAMPLE_USERS.map(({ password }) => password);

const AUTHORIZE = `/auth/authorize?${new URLSearchParams({
  response_type: 'code',
  client_id: 'my-spa',
  redirect_uri: 'http://localhost:5173/callback',
  scope: 'openid email',
  state: 's1',
  code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  code_challenge_method: 'S256',
})}`;

let listening: Server | undefined;
afterEach(async () => {
  listening?.closeAllConnections();
  await new Promise((resolve) => (listening ? listening.close(resolve) : resolve(undefined)));
  listening = undefined;
});

/** The app behind a real socket that says it comes from `address` (the test cannot connect from another machine). */
async function behindSocket(api: FakeJwtApi, address: string): Promise<string> {
  listening = createHttpServer(api.app);
  listening.on('connection', (socket: Socket) => Object.defineProperty(socket, 'remoteAddress', { get: () => address, configurable: true }));
  await new Promise<void>((resolve) => listening!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
}

/** An --allow-reset server whose outbox holds the admin's reset link, and an admin's token. */
async function outboxServer(options: Partial<ServerOptions> = {}) {
  const api = await serve({ allowReset: true, ...options });
  await request(api.app).post('/auth/forgot-password').send({ email: SAMPLE_LOGINS.admin.email }).expect(202);
  const [mail] = await api.outbox.list();
  expect(mail.links[0]).toContain('token=');
  return { api, id: mail.id, adminToken: await login(api.app, SAMPLE_LOGINS.admin.email, SAMPLE_LOGINS.admin.password) };
}

/** Every outbox route without a token is refused (401), the list first; nothing in the answers is a link. */
async function expectOutboxClosed(target: Target, id: string, headers: Headers): Promise<void> {
  for (const [method, path] of [
    ['GET', '/__outbox'],
    ['GET', `/__outbox/${id}`],
    ['DELETE', '/__outbox'],
  ]) {
    const answer = await requestAs(target, undefined, method, path).set(headers);
    expect({ headers, method, path, status: answer.status, error: answer.body.error }).toEqual({ headers, method, path, status: 401, error: 'invalid_token' });
    expect(answer.text).not.toContain('token=');
  }
}

/** The admin's token opens it whatever the headers: the list holds the admin's reset mail. */
async function expectAdminReads(target: Target, adminToken: string, headers: Headers): Promise<void> {
  const listed = await requestAs(target, adminToken, 'GET', '/__outbox').set(headers);
  expect({ headers, status: listed.status, to: listed.body.messages?.map((mail: { to: string }) => mail.to) }).toEqual({
    headers,
    status: 200,
    to: [SAMPLE_LOGINS.admin.email],
  });
}

describe('the outbox under --allow-reset opens without a token to this machine only', () => {
  it('plain loopback: list, one message, empty, no token needed', async () => {
    const { api, id } = await outboxServer();
    const listed = (await request(api.app).get('/__outbox').expect(200)).body.messages;
    expect(listed.map((mail: { to: string }) => mail.to)).toEqual([SAMPLE_LOGINS.admin.email]);
    expect((await request(api.app).get(`/__outbox/${id}`).expect(200)).body.links[0]).toContain('token=');
    await request(api.app).delete('/__outbox').expect(204);
    expect(await api.outbox.list()).toEqual([]);
  });

  it.each(FORWARDED)('a loopback connection with %p is a proxy: 401 without a token, 200 for an admin', async (headers) => {
    const { api, id, adminToken } = await outboxServer();
    await expectOutboxClosed(api.app, id, headers);
    expect(await api.outbox.list()).toHaveLength(1); // the refused DELETE emptied nothing
    await expectAdminReads(api.app, adminToken, headers);
    await request(api.app).get('/__outbox').expect(200); // the next plain request is local again
  });

  it.each(TRUST_PROXY)('with --trust-proxy %p, X-Forwarded-For does not open it either, of a remote client or of loopback', async (trustProxy) => {
    const { api, id, adminToken } = await outboxServer({ trustProxy });
    for (const headers of [{ 'X-Forwarded-For': '203.0.113.9' }, { 'X-Forwarded-For': '127.0.0.1' }, { Forwarded: 'for=203.0.113.9' }] as Headers[]) {
      await expectOutboxClosed(api.app, id, headers);
      await expectAdminReads(api.app, adminToken, headers);
    }
    await request(api.app).get('/__outbox').expect(200);
  });

  it.each(FOREIGN_HOSTS)('a request for Host %s (a tunnel keeping its name, a LAN address) is not this machine', async (host) => {
    const { api, id, adminToken } = await outboxServer({ allowedHosts: ['.ngrok.app'] });
    await expectOutboxClosed(api.app, id, { Host: host });
    await expectAdminReads(api.app, adminToken, { Host: host });
    for (const local of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000']) await request(api.app).get('/__outbox').set('Host', local).expect(200);
  });

  it('a connection from another machine stays closed without any header', async () => {
    const { api, id, adminToken } = await outboxServer();
    const url = await behindSocket(api, '192.0.2.7');
    await expectOutboxClosed(url, id, { Host: 'localhost:3000' });
    await expectAdminReads(url, adminToken, {});
  });
});

/** The demo accounts' sign-in forms on the provider's login page: the passwords its hidden fields carry. */
const passwordsIn = (html: string) => [...html.matchAll(/<input type="hidden" name="password" value="([^"]*)"/g)].map(([, value]) => value);

async function loginPage(target: Target, headers: Headers): Promise<string> {
  const page = await request(target).get(AUTHORIZE).set(headers);
  expect({ headers, status: page.status }).toEqual({ headers, status: 200 });
  return page.text;
}

/** The demo accounts the playground page carries for its script. */
async function playgroundDemoAccounts(target: Target, headers: Headers): Promise<unknown[]> {
  const page = await request(target).get('/').set(headers).expect(200);
  const data = /<script type="application\/json" id="api-data">([^]*?)<\/script>/.exec(page.text);
  return JSON.parse(data![1]).demoAccounts;
}

describe('the demo accounts, on the login page (with passwords) and the playground, are for this machine only', () => {
  async function expectNoDemoAccounts(target: Target, headers: Headers): Promise<void> {
    const page = await loginPage(target, headers);
    expect({ headers, passwords: passwordsIn(page) }).toEqual({ headers, passwords: [] });
    for (const password of DEMO_PASSWORDS) expect(page).not.toContain(password);
    expect(page).not.toContain('Demo accounts');
    expect(page).toContain('name="password"'); // the form that asks for one is still there
    expect({ headers, demoAccounts: await playgroundDemoAccounts(target, headers) }).toEqual({ headers, demoAccounts: [] });
  }

  it('plain loopback: every demo account, its password in its form, as before', async () => {
    const api = await serve();
    expect(passwordsIn(await loginPage(api.app, {})).sort()).toEqual([...DEMO_PASSWORDS].sort());
    expect(await playgroundDemoAccounts(api.app, {})).toHaveLength(SAMPLE_USERS.length);
  });

  it.each(FORWARDED)('a loopback connection with %p gets none', async (headers) => {
    const api = await serve();
    await expectNoDemoAccounts(api.app, headers);
  });

  it.each(TRUST_PROXY)('with --trust-proxy %p, a proxied request gets none', async (trustProxy) => {
    const api = await serve({ trustProxy });
    await expectNoDemoAccounts(api.app, { 'X-Forwarded-For': '203.0.113.9' });
    await expectNoDemoAccounts(api.app, { 'X-Forwarded-For': '127.0.0.1' });
    expect(passwordsIn(await loginPage(api.app, {}))).toHaveLength(SAMPLE_USERS.length);
  });

  it.each(FOREIGN_HOSTS)('a request for Host %s gets none', async (host) => {
    const api = await serve({ allowedHosts: ['.ngrok.app'] });
    await expectNoDemoAccounts(api.app, { Host: host });
    expect(passwordsIn(await loginPage(api.app, { Host: 'localhost:3000' }))).toHaveLength(SAMPLE_USERS.length);
  });

  it('a connection from another machine gets none', async () => {
    const api = await serve();
    await expectNoDemoAccounts(await behindSocket(api, '::ffff:192.0.2.7'), {});
  });
});

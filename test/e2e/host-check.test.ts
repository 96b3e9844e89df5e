import { renderBanner, type BannerInput } from '../../src/cli/banner';
import { errorCodeOf, runCli, startCli, useServer } from '../support';
import { rawRequest, type RawResponse } from '../support/raw-http';

// DNS rebinding: a page on evil.example, its name then pointed at 127.0.0.1, talks to the server as its own
// origin; all that gives it away is the Host header its browser sends.

const { project, listen: serve } = useServer({ defaults: { defaultAccess: 'public' } });

const withHost = (server: { url: string }, host: string, path = '/posts', init: { method?: string; body?: string; origin?: string } = {}) =>
  rawRequest(server.url, {
    method: init.method ?? 'GET',
    path,
    headers: { Host: host, ...(init.body ? { 'Content-Type': 'application/json' } : {}), ...(init.origin ? { Origin: init.origin } : {}) },
    body: init.body,
  });

function expectRefused(response: RawResponse, name: string): void {
  expect(response.status).toBe(403);
  expect(response.json.error).toBe('forbidden');
  expect(response.json.message).toContain(`--allowed-host ${name}`);
  expect(response.headers['access-control-allow-origin']).toBeUndefined();
}

const LOGIN = JSON.stringify({ email: 'alice@example.com', password: 'alice123' });

describe('by default', () => {
  it.each([
    ['a foreign name', 'evil.example', 'evil.example'],
    ['with a port', 'evil.example:3000', 'evil.example'],
    ['in capitals, with a trailing dot', 'EVIL.Example.:3000', 'evil.example'],
    ['a look-alike of localhost', 'localhost.evil.example', 'localhost.evil.example'],
    ['localhost as a prefix', 'localhost-evil.example:80', 'localhost-evil.example'],
    ['a name that resolves to 127.0.0.1', '127.0.0.1.nip.io', '127.0.0.1.nip.io'],
    ['a single-label name', 'intranet:3000', 'intranet'],
  ])('refuses %s with a JSON 403 naming --allowed-host: data, the playground, login, preflight', async (_what, host, name) => {
    const server = await serve();
    expectRefused(await withHost(server, host), name);
    expectRefused(await withHost(server, host, '/'), name);
    expectRefused(await withHost(server, host, '/auth/login', { method: 'POST', body: LOGIN, origin: `http://${host}` }), name);
    expectRefused(await withHost(server, host, '/auth/login', { method: 'OPTIONS', origin: `http://${host}` }), name);
  });

  it.each([
    'localhost',
    'localhost:3000',
    'LOCALHOST:3000',
    'localhost.:3000',
    'app.localhost:5173',
    '127.0.0.1',
    '127.0.0.1:8080',
    '127.1.2.3:3000',
    '[::1]:3000',
    '[::1]',
    // An address cannot be rebound: the page's origin is then that address. So the machine's LAN address (with
    // --host 0.0.0.0) works, as in Vite and webpack-dev-server.
    '192.168.1.20:3000',
    '[fe80::1]:3000',
  ])('answers Host %s', async (host) => {
    const server = await serve();
    const response = await withHost(server, host);
    expect(response.status).toBe(200);
    expect(response.json).toEqual(expect.any(Array));
  });

  it('answers a request without a Host (HTTP/1.0: not a browser)', async () => {
    const server = await serve();
    const { port } = new URL(server.url);
    const net = await import('node:net');
    const reply = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write('GET /posts HTTP/1.0\r\n\r\n'));
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 200/);
  });
});

describe('allowedHosts (--allowed-host)', () => {
  it('an exact name is answered, its subdomains are not', async () => {
    const server = await serve({ allowedHosts: ['MyApp.test'] });
    expect((await withHost(server, 'myapp.test:3000')).status).toBe(200);
    expectRefused(await withHost(server, 'api.myapp.test'), 'api.myapp.test');
    expectRefused(await withHost(server, 'evil.example'), 'evil.example');
  });

  it('a leading dot answers the name and its subdomains, as Vite does', async () => {
    const server = await serve({ allowedHosts: ['.example.com'] });
    for (const host of ['example.com', 'api.example.com:443', 'a.b.example.com']) expect((await withHost(server, host)).status).toBe(200);
    expectRefused(await withHost(server, 'badexample.com'), 'badexample.com');
    expectRefused(await withHost(server, 'example.com.evil.example'), 'example.com.evil.example');
  });

  it.each([['all' as const], [true as const], [['all']], [['true']]])('%p answers any host', async (allowedHosts) => {
    const server = await serve({ allowedHosts });
    expect((await withHost(server, 'evil.example')).status).toBe(200);
  });

  it.each([[['http://myapp.test']], [['myapp.test:3000']], [['my app']], [['']]])('%p is refused at start, with what to give instead', async (allowedHosts) => {
    await expect(serve({ allowedHosts })).rejects.toMatchObject({ code: 'ERR_OPTION', exitCode: 2 });
  });

  it('start() adds the name it was told to listen on', async () => {
    const server = await serve({ host: 'localhost', allowedHosts: ['myapp.test'] });
    expect(server.api.options.allowedHosts).toEqual(['myapp.test', 'localhost']);
    expect((await withHost(server, 'myapp.test')).status).toBe(200);
  });
});

describe('from the command line', () => {
  it('--allowed-host, repeated and comma-separated, and the --host name', async () => {
    const cli = await startCli(['db.json', '--default-access', 'public', '--allowed-host', 'one.test,.two.test', '--allowed-host', 'three.test'], project.dir);
    try {
      for (const host of ['one.test', 'x.two.test', 'three.test:1', '127.0.0.1']) expect((await withHost(cli, host)).status).toBe(200);
      const refused = await withHost(cli, 'four.test');
      expectRefused(refused, 'four.test');
      expect(cli.output()).not.toMatch(/every network interface|DNS rebinding/);
    } finally {
      await cli.stop();
    }
  });

  it('--allowed-host all answers any host and the banner says so; so does the config file', async () => {
    project.write('json-server.json', { allowedHost: 'all', defaultAccess: 'public' });
    const cli = await startCli(['db.json'], project.dir);
    try {
      expect(cli.output()).toMatch(/--allowed-host all: requests for any host name are answered \(no protection against DNS rebinding\)/);
      expect((await withHost(cli, 'evil.example')).status).toBe(200);
    } finally {
      await cli.stop();
    }
  });

  it('a bad --allowed-host exits 2 and says what to give', async () => {
    const result = await runCli(['db.json', '--allowed-host', 'http://myapp.test', '--port', '0', '--host', '127.0.0.1'], project.dir);
    expect(result.code).toBe(2);
    expect(errorCodeOf(result.stderr)).toBe('ERR_OPTION');
    expect(result.stderr).toMatch(/allowed-host: "http:\/\/myapp.test" is not a host name/);
  });
});

describe('the banner', () => {
  async function bannerWith(exposure: BannerInput['exposure']): Promise<string> {
    const server = await serve();
    return renderBanner({
      url: 'http://0.0.0.0:3000',
      description: server.api.describe(),
      usersFile: 'users.json',
      demoAccounts: [],
      created: [],
      watching: false,
      playground: true,
      exposure,
    });
  }

  it('says so when the server listens on every interface (--host 0.0.0.0), and what names it answers', async () => {
    const banner = await bannerWith({ everyInterface: true, anyHost: false, anyOrigin: false });
    expect(banner).toMatch(/Listening on every network interface: other machines can reach this server/);
    expect(banner).toMatch(/host name other than localhost is refused unless the name is given with --allowed-host/);
  });

  it('says nothing of the kind for a server on this machine only', async () => {
    const banner = await bannerWith({ everyInterface: false, anyHost: false, anyOrigin: false });
    expect(banner).not.toMatch(/every network interface|--allowed-host|--cors-origin/);
  });
});

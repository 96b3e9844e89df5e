import type { StartedServer } from '../../src/app/start';
import { rmSync } from 'node:fs';
import { errorCodeOf, runCli, startCli, useServer, SAMPLE_DB } from '../support';
import { rawRequest, type RawResponse } from '../support/raw-http';

// A page on a foreign site must not obtain a token from a developer's server: not by reading a CORS answer,
// and not by a simple cross-site POST the browser sends without asking (its answer unread, but the account made).

const ALICE = { email: 'alice@example.com', password: 'alice123' };
const EVIL = 'https://evil.example';
const JSON_TYPE = { 'Content-Type': 'application/json' };

const { project, listen: serve } = useServer();

const login = (server: StartedServer, origin?: string, path = '/auth/login') =>
  rawRequest(server.url, { method: 'POST', path, headers: { ...JSON_TYPE, ...(origin ? { Origin: origin } : {}) }, body: JSON.stringify(ALICE) });

const preflight = (server: StartedServer, path: string, origin: string, method = 'POST') =>
  rawRequest(server.url, {
    method: 'OPTIONS',
    path,
    headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'content-type, authorization' },
  });

function expectRefused(response: RawResponse, origin = EVIL): void {
  expect(response.status).toBe(403);
  expect(response.json.error).toBe('forbidden');
  expect(response.json.message).toContain('--cors-origin');
  expect(response.json).not.toHaveProperty('accessToken');
  expect(response.headers['access-control-allow-origin']).toBeUndefined();
  expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  if (origin.startsWith('http')) expect(response.json.message).toContain(origin);
}

function expectAllowed(response: RawResponse, origin: string): void {
  expect(response.headers['access-control-allow-origin']).toBe(origin);
  expect(response.headers['access-control-allow-credentials']).toBe('true');
}

describe('by default, auth endpoints answer pages of this machine and of the server itself only', () => {
  it.each([
    ['a site on the internet', EVIL],
    ['a look-alike of localhost', 'http://localhost.evil.example'],
    ['a look-alike of 127.0.0.1', 'http://127.0.0.1.nip.io:3000'],
    ['a LAN address', 'http://192.168.1.20:5173'],
    ['a page without origin (file://, sandboxed frame)', 'null'],
    ['something that is no origin', 'javascript:alert(1)'],
  ])('refuses %s: preflight, JSON login, form login', async (_what, origin) => {
    const server = await serve();
    expectRefused(await preflight(server, '/auth/login', origin), origin);
    expectRefused(await login(server, origin), origin);
    const form = await rawRequest(server.url, {
      method: 'POST',
      path: '/auth/login',
      headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(ALICE).toString(),
    });
    expectRefused(form, origin);
  });

  it.each([
    ['a dev server on localhost', 'http://localhost:5173'],
    ['a subdomain of localhost', 'http://app.localhost:8080'],
    ['127.0.0.1', 'http://127.0.0.1:4200'],
    ['elsewhere in 127.0.0.0/8', 'http://127.0.0.2'],
    ['[::1]', 'http://[::1]:5173'],
    ['https on localhost', 'https://localhost'],
  ])('answers %s, preflight and login, with credentials', async (_what, origin) => {
    const server = await serve();
    const answer = await preflight(server, '/auth/login', origin);
    expect(answer.status).toBe(204);
    expectAllowed(answer, origin);
    const response = await login(server, origin);
    expect(response.status).toBe(200);
    expectAllowed(response, origin);
  });

  it("answers the server's own pages, under the name it was reached by (over https too, through a TLS proxy)", async () => {
    const server = await serve({ allowedHosts: ['api.test', 'lan.test'] });
    const loginAt = (host: string, origin: string) =>
      rawRequest(server.url, { method: 'POST', path: '/auth/login', headers: { ...JSON_TYPE, Host: host, Origin: origin }, body: JSON.stringify(ALICE) });
    for (const [host, origin] of [
      ['api.test', 'http://api.test'],
      ['api.test', 'https://api.test'],
      ['lan.test:3000', 'http://lan.test:3000'],
      ['192.168.1.20:3000', 'http://192.168.1.20:3000'],
    ]) {
      const response = await loginAt(host, origin);
      expect(response.status).toBe(200);
      expectAllowed(response, origin);
    }
    for (const [host, origin] of [
      ['api.test', 'http://other.test'],
      ['api.test', 'http://api.test:8080'],
      ['lan.test:3000', 'http://lan.test:3001'],
      ['api.test', 'http://lan.test'],
    ]) {
      expectRefused(await loginAt(host, origin), origin);
    }
  });

  it('refuses every auth endpoint and alias, in any spelling Express routes, and every way of sending', async () => {
    const server = await serve();
    const token = (await login(server)).json.accessToken as string;
    const endpoints = [
      ['POST', '/auth/register'],
      ['POST', '/register'],
      ['POST', '/signup'],
      ['POST', '/login'],
      ['POST', '/signin'],
      ['POST', '/auth/refresh'],
      ['POST', '/auth/logout'],
      ['POST', '/auth/revoke'],
      ['POST', '/auth/introspect'],
      ['GET', '/auth/me'],
      ['PATCH', '/auth/me'],
      ['GET', '/auth/users'],
      ['POST', '/auth/nowhere'],
      ['POST', '/AUTH/LOGIN'],
      ['POST', '/auth/login/'],
      ['POST', '/Login/'],
    ];
    for (const [method, path] of endpoints) {
      expectRefused(await preflight(server, path, EVIL, method));
      for (const type of ['application/json', 'application/x-www-form-urlencoded', 'text/plain']) {
        const body = type === 'application/x-www-form-urlencoded' ? new URLSearchParams(ALICE).toString() : JSON.stringify(ALICE);
        const headers = { Origin: EVIL, 'Content-Type': type, Authorization: `Bearer ${token}` };
        expectRefused(await rawRequest(server.url, { method, path, headers, body: method === 'GET' ? undefined : body }));
      }
    }
  });

  it('a refused cross-site registration made no account', async () => {
    const server = await serve();
    const email = 'drive-by@example.com';
    const form = new URLSearchParams({ email, password: 'a-long-password' }).toString();
    for (const path of ['/auth/register', '/register', '/signup']) {
      expectRefused(
        await rawRequest(server.url, { method: 'POST', path, headers: { Origin: EVIL, 'Content-Type': 'application/x-www-form-urlencoded' }, body: form }),
      );
    }
    expect(project.read('users.json')).not.toContain(email);
  });

  it('POST /users, where it registers, is an auth endpoint; GET /users stays data', async () => {
    // A project without users.json, its accounts in db.json's users collection.
    rmSync(project.file('users.json'));
    project.write('db.json', { ...SAMPLE_DB, users: [{ id: 1, ...ALICE }] });
    const server = await serve();
    expectRefused(await preflight(server, '/users', EVIL, 'POST'));
    expectRefused(
      await rawRequest(server.url, {
        method: 'POST',
        path: '/users',
        headers: { Origin: EVIL, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'email=x%40example.com&password=a-long-password',
      }),
    );
    expect(project.read('db.json')).not.toContain('x@example.com');
    const read = await preflight(server, '/users', EVIL, 'GET');
    expect(read.status).toBe(204);
    expectAllowed(read, EVIL);
  });

  it("data and the preflights of data keep json-server's CORS: any origin, with credentials", async () => {
    const server = await serve({ defaultAccess: 'public' });
    const answer = await preflight(server, '/posts', EVIL, 'GET');
    expect(answer.status).toBe(204);
    expectAllowed(answer, EVIL);
    const posts = await rawRequest(server.url, { path: '/posts', headers: { Origin: EVIL } });
    expect(posts.status).toBe(200);
    expectAllowed(posts, EVIL);
    expect(posts.headers['access-control-expose-headers']).toMatch(/X-Total-Count/);
  });

  it('in cookie mode too: a page on localhost may refresh by cookie, a foreign one may not', async () => {
    const server = await serve({ cookie: true });
    const origin = 'http://localhost:5173';
    const first = await login(server, origin);
    const cookie = String(first.headers['set-cookie']).split(';')[0];
    const foreign = await rawRequest(server.url, {
      method: 'POST',
      path: '/auth/refresh',
      headers: { ...JSON_TYPE, Origin: EVIL, Cookie: cookie },
      body: '{}',
    });
    expectRefused(foreign);
    const own = await rawRequest(server.url, { method: 'POST', path: '/auth/refresh', headers: { ...JSON_TYPE, Origin: origin, Cookie: cookie }, body: '{}' });
    expect(own.status).toBe(200);
    expectAllowed(own, origin);
  });
});

describe('routes.json rewrites cannot open a way around it', () => {
  it('an alias rewritten onto /auth is refused, preflight included; other aliases keep CORS', async () => {
    const server = await serve({ routes: { '/api/*': '/$1', '/sign-me-in': '/auth/login' }, defaultAccess: 'public' });
    for (const path of ['/api/auth/login', '/sign-me-in', '/api/login']) {
      expectRefused(await preflight(server, path, EVIL));
      expectRefused(await login(server, EVIL, path));
    }
    const local = await preflight(server, '/api/auth/login', 'http://localhost:5173');
    expect(local.status).toBe(204);
    expectAllowed(local, 'http://localhost:5173');
    expect((await login(server, 'http://localhost:5173', '/api/auth/login')).status).toBe(200);
    const data = await preflight(server, '/api/posts', EVIL, 'GET');
    expect(data.status).toBe(204);
    expectAllowed(data, EVIL);
  });
});

describe('--cors-origin', () => {
  it('adds the origins named, and only those', async () => {
    const server = await serve({ corsOrigins: ['https://app.example.com', 'http://staging.example.com:8080'] });
    for (const origin of ['https://app.example.com', 'http://staging.example.com:8080', 'HTTPS://APP.EXAMPLE.COM:443']) {
      const response = await login(server, origin);
      expect(response.status).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBe(origin);
    }
    for (const origin of ['https://app.example.com.evil.example', 'http://app.example.com' /* another scheme */, 'https://app.example.com:8443']) {
      expectRefused(await login(server, origin), origin);
    }
    expectRefused(await login(server, EVIL));
  });

  it("'*' reflects any origin with credentials, on auth endpoints too", async () => {
    const server = await serve({ corsOrigins: ['*'], cookie: true });
    const answer = await preflight(server, '/auth/login', EVIL);
    expect(answer.status).toBe(204);
    expectAllowed(answer, EVIL);
    const response = await login(server, EVIL);
    expect(response.status).toBe(200);
    expectAllowed(response, EVIL);
    expect(response.headers['access-control-allow-origin']).not.toBe('*');
  });

  it('is refused at start when it is not an origin', async () => {
    for (const corsOrigins of [['app.example.com'], ['https://app.example.com/path'], ['null']]) {
      await expect(serve({ corsOrigins })).rejects.toMatchObject({ code: 'ERR_OPTION', exitCode: 2 });
    }
  });
});

it('--no-cors sends no CORS headers, and auth endpoints still refuse foreign pages', async () => {
  const server = await serve({ cors: false });
  expect((await login(server, EVIL)).status).toBe(403);
  const local = await login(server, 'http://localhost:5173');
  expect(local.status).toBe(200);
  expect(local.headers['access-control-allow-origin']).toBeUndefined();
});

describe('from the command line', () => {
  it("--cors-origin '*' opens everything and the banner says so", async () => {
    const cli = await startCli(['db.json', '--cors-origin', '*'], project.dir);
    try {
      expect(cli.output()).toMatch(/--cors-origin '\*': a page on any website may register, log in and read tokens/);
      const response = await fetch(`${cli.url}/auth/login`, { method: 'POST', headers: { ...JSON_TYPE, Origin: EVIL }, body: JSON.stringify(ALICE) });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(EVIL);
    } finally {
      await cli.stop();
    }
  });

  it('by default the banner warns of nothing, and a foreign page gets a 403', async () => {
    const cli = await startCli(['db.json', '--cors-origin', 'https://app.example.com,https://admin.example.com'], project.dir);
    try {
      expect(cli.output()).not.toMatch(/any website/);
      for (const origin of ['https://app.example.com', 'https://admin.example.com']) {
        expect((await fetch(`${cli.url}/auth/login`, { method: 'POST', headers: { ...JSON_TYPE, Origin: origin }, body: JSON.stringify(ALICE) })).status).toBe(
          200,
        );
      }
      expect((await fetch(`${cli.url}/auth/login`, { method: 'POST', headers: { ...JSON_TYPE, Origin: EVIL }, body: JSON.stringify(ALICE) })).status).toBe(403);
    } finally {
      await cli.stop();
    }
  });

  it('a --cors-origin that is not an origin exits 2 and says what to give', async () => {
    const result = await runCli(['db.json', '--cors-origin', 'app.example.com', '--port', '0', '--host', '127.0.0.1'], project.dir);
    expect(result.code).toBe(2);
    expect(errorCodeOf(result.stderr)).toBe('ERR_OPTION');
    expect(result.stderr).toMatch(/cors-origin: "app.example.com" is not an origin/);
  });
});

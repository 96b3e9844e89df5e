import { start, type StartedServer } from '../../src/app/start';
import { makeProject, SAMPLE_DB, type Project } from '../support';
import { rawRequest, refreshCookieOf, type RawResponse } from '../support/raw-http';

// --cookie: login and registration set the refresh cookie, so a cross-site form that logs the browser in (login
// CSRF: the victim then works in the attacker's account) must fail like a cross-site refresh does.

const ALICE = { email: 'alice@example.com', password: 'alice123' };
const EVIL = 'https://evil.example';

let project: Project;
let server: StartedServer;

beforeAll(async () => {
  // The accounts live in db.json, as in a json-server-auth project: then POST /users registers too.
  project = makeProject({ 'db.json': { ...SAMPLE_DB, users: [{ id: 1, ...ALICE }] } });
  server = await start({ db: project.file('db.json'), cookie: true });
});

afterAll(async () => {
  await server.close();
  project.cleanup();
});

const LOGIN_PATHS = ['/auth/login', '/login', '/signin'];
const REGISTER_PATHS = ['/auth/register', '/register', '/signup', '/users'];
let fresh = 0;
/** The body a path needs: alice's credentials to log in, a new account to register. */
const credentialsFor = (path: string) => (LOGIN_PATHS.includes(path) ? ALICE : { email: `new-${++fresh}@example.com`, password: 'a-long-password' });

const FORM_SHAPES: Array<[string, (fields: Record<string, string>) => { type: string; body: string }]> = [
  ['urlencoded', (fields) => ({ type: 'application/x-www-form-urlencoded', body: new URLSearchParams(fields).toString() })],
  ['text/plain holding JSON', (fields) => ({ type: 'text/plain', body: JSON.stringify(fields) })],
  [
    'text/plain, form-encoded (enctype="text/plain")',
    (fields) => ({
      type: 'text/plain',
      body: Object.entries(fields)
        .map(([k, v]) => `${k}=${v}`)
        .join('\r\n'),
    }),
  ],
  [
    'multipart',
    (fields) => ({
      type: 'multipart/form-data; boundary=x',
      body: `${Object.entries(fields)
        .map(([k, v]) => `--x\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
        .join('')}--x--\r\n`,
    }),
  ],
  ['no Content-Type', (fields) => ({ type: '', body: JSON.stringify(fields) })],
];

function post(path: string, shape: { type: string; body: string }, origin?: string): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  if (shape.type) headers['Content-Type'] = shape.type;
  if (origin) headers.Origin = origin;
  return rawRequest(server.url, { method: 'POST', path, headers, body: shape.body });
}

const refusedWithoutCookie = (response: RawResponse) => {
  expect([400, 403]).toContain(response.status);
  expect(['invalid_request', 'forbidden']).toContain(response.json.error);
  expect(refreshCookieOf(response)).toBeUndefined();
  expect(response.json).not.toHaveProperty('accessToken');
};

describe.each([...LOGIN_PATHS, ...REGISTER_PATHS])('POST %s in --cookie mode', (path) => {
  it.each(FORM_SHAPES)('a cross-site %s form sets no cookie', async (_shape, shape) => {
    refusedWithoutCookie(await post(path, shape(credentialsFor(path)), EVIL));
  });

  it.each(FORM_SHAPES)('a %s form with no Origin at all (an old browser) sets no cookie either', async (_shape, shape) => {
    const response = await post(path, shape(credentialsFor(path)));
    refusedWithoutCookie(response);
    expect(response.status).toBe(400);
    expect(response.json.message).toMatch(/application\/json/);
  });

  it('JSON from another site is a 403 that names --cors-origin', async () => {
    const response = await post(path, { type: 'application/json', body: JSON.stringify(credentialsFor(path)) }, EVIL);
    refusedWithoutCookie(response);
    expect(response.status).toBe(403);
    expect(response.json.message).toContain(`--cors-origin ${EVIL}`);
  });

  it('JSON without an Origin, from a page on another site by its Referer, is a 403 that names --cors-origin', async () => {
    const response = await rawRequest(server.url, {
      method: 'POST',
      path,
      headers: { 'Content-Type': 'application/json', Referer: `${EVIL}/x` },
      body: JSON.stringify(credentialsFor(path)),
    });
    refusedWithoutCookie(response);
    expect(response.status).toBe(403);
    expect(response.json.message).toContain(`--cors-origin ${EVIL}`);
  });

  it.each([
    ['no Origin (curl, a server)', undefined],
    ['a dev server on localhost', 'http://localhost:5173'],
    ['the server itself', 'self'],
  ])('JSON from %s sets the cookie', async (_from, origin) => {
    const response = await post(
      path,
      { type: 'application/json; charset=utf-8', body: JSON.stringify(credentialsFor(path)) },
      origin === 'self' ? server.url : origin,
    );
    expect([200, 201]).toContain(response.status);
    expect(refreshCookieOf(response)).toMatch(/HttpOnly/);
  });
});

it('a refused registration created no account', async () => {
  const email = 'csrf-victim@example.com';
  await post(
    '/auth/register',
    { type: 'application/x-www-form-urlencoded', body: new URLSearchParams({ email, password: 'a-long-password' }).toString() },
    EVIL,
  );
  await post('/users', { type: 'text/plain', body: JSON.stringify({ email, password: 'a-long-password' }) });
  const users = (project.json('db.json') as { users: Array<{ email: string }> }).users;
  expect(users.map((user) => user.email)).not.toContain(email);
});

it('without --cookie, a urlencoded login without an Origin still works, as json-server-auth clients send it', async () => {
  const bodyMode = makeProject();
  const other = await start({ db: bodyMode.file('db.json') });
  try {
    const response = await rawRequest(other.url, {
      method: 'POST',
      path: '/login',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(ALICE).toString(),
    });
    expect(response.status).toBe(200);
    expect(response.json.accessToken).toEqual(expect.any(String));
  } finally {
    await other.close();
    bodyMode.cleanup();
  }
});

describe('without an Origin, the Referer is judged as the Origin would be', () => {
  const loginFrom = (headers: Record<string, string>) =>
    rawRequest(server.url, { method: 'POST', path: '/auth/login', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(ALICE) });
  const refreshFrom = (cookie: string, headers: Record<string, string>) =>
    rawRequest(server.url, { method: 'POST', path: '/auth/refresh', headers: { 'Content-Type': 'application/json', Cookie: cookie, ...headers }, body: '{}' });
  const cookieOf = (response: RawResponse) => refreshCookieOf(response)!.split(';')[0];

  it.each([
    ['a page on another site', `${EVIL}/x`],
    ['another site, with a port and a query', `${EVIL}:8443/login?next=/`],
    ['a site named like localhost', 'https://localhost.evil.example/'],
    ['no web page at all', 'not a url'],
    ['a file: page', 'file:///home/me/page.html'],
  ])('a login whose Referer is %s is a 403 and sets no cookie', async (_from, referer) => {
    const response = await loginFrom({ Referer: referer });
    refusedWithoutCookie(response);
    expect(response.status).toBe(403);
    expect(response.json.error).toBe('forbidden');
  });

  it.each([
    ['a dev server on localhost', 'http://localhost:5173/app/login'],
    ['127.0.0.1', 'http://127.0.0.1:8080/'],
    ['the server itself', 'self'],
    ['empty, as no browser sends it', ''],
  ])('a login whose Referer is %s sets the cookie', async (_from, referer) => {
    const response = await loginFrom({ Referer: referer === 'self' ? `${server.url}/page.html` : referer });
    expect(response.status).toBe(200);
    expect(refreshCookieOf(response)).toMatch(/HttpOnly/);
  });

  it('an Origin, when there is one, is what is judged', async () => {
    expect((await loginFrom({ Origin: 'http://localhost:5173', Referer: `${EVIL}/x` })).status).toBe(200);
    expect((await loginFrom({ Origin: EVIL, Referer: 'http://localhost:5173/' })).status).toBe(403);
  });

  it('a refresh by cookie from another site by its Referer is a 403, and leaves the cookie good', async () => {
    const cookie = cookieOf(await loginFrom({}));
    const refused = await refreshFrom(cookie, { Referer: `${EVIL}/x` });
    refusedWithoutCookie(refused);
    expect(refused.status).toBe(403);
    const refreshed = await refreshFrom(cookie, { Referer: 'http://localhost:5173/' });
    expect(refreshed.status).toBe(200);
    expect(refreshCookieOf(refreshed)).toMatch(/HttpOnly/);
  });

  it('a logout by cookie from another site by its Referer is a 403 too', async () => {
    const cookie = cookieOf(await loginFrom({}));
    const response = await rawRequest(server.url, {
      method: 'POST',
      path: '/auth/logout',
      headers: { 'Content-Type': 'application/json', Cookie: cookie, Referer: `${EVIL}/x` },
      body: '{}',
    });
    expect(response.status).toBe(403);
    expect((await refreshFrom(cookie, {})).status).toBe(200); // the session was not ended
  });

  it('--cors-origin allows that origin by its Referer too', async () => {
    const partner = 'https://partner.example';
    const other = await start({ db: project.file('db.json'), cookie: true, corsOrigins: [partner] });
    try {
      const post = (referer: string) =>
        rawRequest(other.url, {
          method: 'POST',
          path: '/auth/login',
          headers: { 'Content-Type': 'application/json', Referer: referer },
          body: JSON.stringify(ALICE),
        });
      expect((await post(`${partner}/app`)).status).toBe(200);
      expect((await post(`${EVIL}/x`)).status).toBe(403);
    } finally {
      await other.close();
    }
  });
});

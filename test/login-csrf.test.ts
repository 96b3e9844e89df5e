import { start, type StartedServer } from '../src/start';
import { makeProject, SAMPLE_DB, type Project } from './helpers';
import { rawRequest, refreshCookieOf, type RawResponse } from './raw-http';

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
  ['text/plain, form-encoded (enctype="text/plain")', (fields) => ({ type: 'text/plain', body: Object.entries(fields).map(([k, v]) => `${k}=${v}`).join('\r\n') })],
  ['multipart', (fields) => ({ type: 'multipart/form-data; boundary=x', body: `${Object.entries(fields).map(([k, v]) => `--x\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('')}--x--\r\n` })],
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

  it.each([
    ['no Origin (curl, a server)', undefined],
    ['a dev server on localhost', 'http://localhost:5173'],
    ['the server itself', 'self'],
  ])('JSON from %s sets the cookie', async (_from, origin) => {
    const response = await post(path, { type: 'application/json; charset=utf-8', body: JSON.stringify(credentialsFor(path)) }, origin === 'self' ? server.url : origin);
    expect([200, 201]).toContain(response.status);
    expect(refreshCookieOf(response)).toMatch(/HttpOnly/);
  });
});

it('a refused registration created no account', async () => {
  const email = 'csrf-victim@example.com';
  await post('/auth/register', { type: 'application/x-www-form-urlencoded', body: new URLSearchParams({ email, password: 'a-long-password' }).toString() }, EVIL);
  await post('/users', { type: 'text/plain', body: JSON.stringify({ email, password: 'a-long-password' }) });
  const users = (project.json('db.json') as { users: Array<{ email: string }> }).users;
  expect(users.map((user) => user.email)).not.toContain(email);
});

it('without --cookie, a urlencoded login without an Origin still works, as json-server-auth clients send it', async () => {
  const bodyMode = makeProject();
  const other = await start({ db: bodyMode.file('db.json') });
  try {
    const response = await rawRequest(other.url, { method: 'POST', path: '/login', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(ALICE).toString() });
    expect(response.status).toBe(200);
    expect(response.json.accessToken).toEqual(expect.any(String));
  } finally {
    await other.close();
    bodyMode.cleanup();
  }
});

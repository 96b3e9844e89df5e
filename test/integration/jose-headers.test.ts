import jwt from 'jsonwebtoken';
import { start, type StartedServer } from '../../src/app/start';
import { login as loginAt, makeProject, type Project } from '../support';
import { rawRequest } from '../support/raw-http';

// The server's real secret: the forged tokens below are signed correctly, so only the checks under test refuse them.
const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';
const NOW = Date.UTC(2030, 0, 1);

let project: Project;
let server: StartedServer;
let real: { header: jwt.JwtHeader; payload: jwt.JwtPayload };
let adminToken: string;

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The real token's header and claims, changed as given, signed again with the server's own secret. */
function forge(change: { header?: Record<string, unknown>; payload?: Record<string, unknown> }): string {
  const header = { ...real.header, ...change.header } as jwt.JwtHeader;
  return jwt.sign({ ...real.payload, ...change.payload }, SECRET, { algorithm: 'HS256', header }); // keeps the iat given
}

const login = (email: string, password: string) => loginAt(server.url, email, password);
const me = (token: string) => rawRequest(server.url, { path: '/auth/me', headers: bearer(token) });

beforeAll(async () => {
  project = makeProject();
  server = await start({ db: project.file('db.json'), secret: SECRET, now: () => NOW });
  const token = await login('alice@example.com', 'alice123');
  const decoded = jwt.decode(token, { complete: true })!;
  real = { header: decoded.header, payload: decoded.payload as jwt.JwtPayload };
  adminToken = await login('admin@example.com', 'admin123');
});

afterAll(async () => {
  await server.close();
  project.cleanup();
});

it('accepts the real token signed again unchanged: the forging itself is sound', async () => {
  expect(real.header).toEqual({ alg: 'HS256', typ: 'at+jwt' });
  expect((await me(forge({}))).status).toBe(200);
});

describe('the JOSE crit header (RFC 7515 §4.1.11): this server understands no extension, so any crit is refused', () => {
  it.each([
    ['a registered claim name', { crit: ['exp'] }],
    ['b64 of RFC 7797, with the parameter it names', { crit: ['b64'], b64: false }],
    ['an extension of its own, with its parameter', { crit: ['https://example.com/must-understand'], 'https://example.com/must-understand': true }],
    ['an empty list (invalid in itself)', { crit: [] }],
    ['a string instead of a list', { crit: 'exp' }],
    ['null', { crit: null }],
  ])('%s', async (_shape, header) => {
    const response = await me(forge({ header }));
    expect(response.status).toBe(401);
    expect(response.json.error).toBe('invalid_token');
    expect(response.headers['www-authenticate']).toMatch(/error="invalid_token", error_description="[^"]*crit/);
  });

  it('is refused wherever a token is checked: a resource, and introspection says inactive', async () => {
    const forged = forge({ header: { crit: ['exp'] } });
    expect((await rawRequest(server.url, { path: '/posts', headers: bearer(forged) })).status).toBe(401);
    const introspection = await rawRequest(server.url, {
      method: 'POST',
      path: '/auth/introspect',
      headers: { ...bearer(adminToken), 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: forged }),
    });
    expect(introspection.status).toBe(200);
    expect(introspection.json).toEqual({ active: false });
  });
});

describe('iat in the future, beyond the one second of clock tolerance', () => {
  const nowSeconds = Math.floor(NOW / 1000);

  it.each([
    ['far in the future', nowSeconds + 10 * 365 * 24 * 3600],
    ['an hour ahead', nowSeconds + 3600],
    ['two seconds ahead', nowSeconds + 2],
  ])('%s is refused', async (_shape, iat) => {
    const response = await me(forge({ payload: { iat, exp: iat + 3600 } }));
    expect(response.status).toBe(401);
    expect(response.json.error).toBe('invalid_token');
    expect(response.headers['www-authenticate']).toMatch(/error_description="[^"]*future/);
  });

  it.each([
    ['now', nowSeconds],
    ['one second ahead (the tolerance)', nowSeconds + 1],
    ['in the past', nowSeconds - 600],
  ])('%s is accepted', async (_shape, iat) => {
    expect((await me(forge({ payload: { iat } }))).status).toBe(200);
  });
});

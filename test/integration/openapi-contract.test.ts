import request from 'supertest';
import type { FakeJwtApi } from '../../src/app/create-server';
import {
  contractProblems,
  expectContract,
  login,
  loginPair,
  SAMPLE_FILES,
  SAMPLE_LOGINS,
  SAMPLE_USERS,
  useOwnProjects,
  useRuleServers,
  type OpenApiDocument,
  type RuleCaller,
} from '../support';
import { RULES_ROUTES, rulesDb } from '../support/openapi-fixtures';

// Issue 17, the contract test: real requests against a running server, each answer held to the document the server
// served just before it (the document follows the data, so a create can change the next one). The status must be one
// the operation declares, the headers it requires must come, and the JSON body must fit the declared schema.

const { serve, as } = useRuleServers(rulesDb, RULES_ROUTES);
const { project, open } = useOwnProjects();

/** The document each server served last: fetched again once a write may have changed the data it is built from. */
const documents = new WeakMap<FakeJwtApi, OpenApiDocument>();
async function documentNow(api: FakeJwtApi): Promise<OpenApiDocument> {
  const known = documents.get(api);
  if (known) return known;
  const document = (await request(api.app).get('/openapi.json').expect(200)).body as OpenApiDocument;
  documents.set(api, document);
  return document;
}

interface Sent {
  method: string;
  url: string;
  /** The operation's path in the document: `/posts/{id}`. */
  template: string;
  /** Who sends it, for the failure message. */
  label: string;
}

/**
 * Sends one request and holds its answer to the document of a moment before. An operation the document leaves out
 * (nobody may call it) must be refused.
 */
async function contract(api: FakeJwtApi, send: () => request.Test, { method, url, template, label }: Sent): Promise<request.Response> {
  const document = await documentNow(api);
  const response = await send();
  if (method !== 'GET' && response.status < 400) documents.delete(api);
  if (document.paths[template]?.[method.toLowerCase()] === undefined) {
    if (![401, 403].includes(response.status))
      throw new Error(`${method} ${url} (${label}) → ${response.status}: the document leaves ${method} ${template} out as nobody’s, yet it was not refused`);
  } else expectContract(document, response, method, template, label);
  return response;
}

interface Flow {
  method: string;
  url: string;
  /** The operation's path in the document, when it is not the URL's. */
  template?: string;
  token?: string;
  body?: unknown;
  form?: boolean;
  cookie?: string;
}

/** `send(label, status, request)`: one request of a flow, held to the contract, and to the status the sample is for. */
function flowOf(api: FakeJwtApi) {
  return async (label: string, status: number, { method, url, template = url.split('?')[0], token, body, form, cookie }: Flow) => {
    const send = () => {
      const test = request(api.app)[method.toLowerCase() as 'get'](url);
      if (token !== undefined) test.set('Authorization', `Bearer ${token}`);
      if (cookie !== undefined) test.set('Cookie', cookie);
      if (form) test.type('form');
      return body === undefined ? test : test.send(body as object);
    };
    const response = await contract(api, send, { method, url, template, label });
    expect(`${method} ${url} (${label}) → ${response.status}`).toBe(`${method} ${url} (${label}) → ${status}`);
    return response;
  };
}

/** A request with a token (or none), held to the contract. */
function call(api: FakeJwtApi, token: string | undefined, { method, url, template, body, label }: Sent & { body?: unknown }) {
  const send = () => {
    const test = request(api.app)[method.toLowerCase() as 'get'](url);
    if (token !== undefined) test.set('Authorization', `Bearer ${token}`);
    return body === undefined ? test : test.send(body as object);
  };
  return contract(api, send, { method, url, template, label });
}

const sidOf = (accessToken: string) => (JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as { sid: string }).sid;

// A body each resource’s records could have: one field, as the request schema allows (it requires none). Posts go
// last: deleting post 2 deletes the comments and reviews that name it, as json-server does.
const FIELD: Record<string, Record<string, unknown>> = {
  comments: { body: 'new', postId: 2 },
  messages: { text: 'new' },
  notes: { text: 'new' },
  reviews: { stars: 3 },
  secrets: { code: '9999' },
  drafts: { tags: ['b'] },
  archives: { year: 2022 },
  tags: { label: 'x' },
  labels: { color: '#00f' },
  posts: { title: 'new' },
};
const CALLERS: RuleCaller[] = ['anonymous', 'bob', 'alice', 'admin'];

// Record 2 is alice's wherever records have owners; record 1 of posts is for admins only (an item rule).
const operations = (name: string): Array<[string, string, string, unknown?]> => [
  ['GET', `/${name}`, `/${name}`],
  ['GET', `/${name}/2`, `/${name}/{id}`],
  ['GET', `/${name}/1`, `/${name}/{id}`],
  ['GET', `/${name}/999`, `/${name}/{id}`],
  ['GET', `/api/${name}?_page=1&_limit=1`, `/${name}`],
  ['POST', `/${name}`, `/${name}`, FIELD[name]],
  ['PATCH', `/${name}/2`, `/${name}/{id}`, FIELD[name]],
  ['PUT', `/${name}/2`, `/${name}/{id}`, FIELD[name]],
  ['DELETE', `/${name}/2`, `/${name}/{id}`],
  ['DELETE', `/${name}/999`, `/${name}/{id}`],
];

describe('the checker', () => {
  it('catches a document that promises more than the server does', async () => {
    const api = await serve();
    const document = structuredClone(await documentNow(api));
    document.components.schemas.Post.required.push('subtitle');
    delete document.paths['/posts/{id}'].get.responses['404'];
    const listHeaders = document.paths['/posts'].get.responses['200'].headers;
    listHeaders['X-Request-Id'] = { required: true, schema: { type: 'string' } };
    listHeaders['X-Total-Count'].schema = { type: 'integer', minimum: 5 };
    const list = await as(api, 'alice', 'GET', '/posts?_page=1');
    expect(list.headers['x-total-count']).toBe('1');
    expect(contractProblems(document, list, 'GET', '/posts')).toEqual([
      'header X-Total-Count: X-Total-Count must be >= 5 (it was 1)',
      'the required header X-Request-Id is missing',
      expect.stringContaining("body/0 must have required property 'subtitle'"),
    ]);
    const missing = await as(api, 'alice', 'GET', '/posts/999');
    expect(contractProblems(document, missing, 'GET', '/posts/{id}')).toEqual([expect.stringMatching(/^status 404 is not declared \(200, 401, 403\)/)]);
    expect(contractProblems(document, list, 'GET', '/auth/login')).toEqual(['the document has no GET on /auth/login (it has post)']);
    expect(contractProblems(document, list, 'GET', '/nowhere')).toEqual(['the document has no path /nowhere']);
    expect(contractProblems(document, list, 'GET', '/auth/reset-password')[0]).toMatch(
      /^a body of type application\/json, but the response declares text\/html/,
    );
    expect(() => expectContract(document, missing, 'GET', '/posts/{id}', 'alice')).toThrow(
      /^GET \/posts\/999 \(alice\) → 404, against GET \/posts\/\{id\}:\n {2}- status 404/,
    );
  });
});

describe('each resource × method × caller answers as the document says', () => {
  it.each(CALLERS)('every collection, every method, as %s', async (caller) => {
    const api = await serve();
    for (const name of Object.keys(FIELD))
      for (const [method, url, template, body] of operations(name))
        await contract(api, () => as(api, caller, method, url, body), { method, url, template, label: caller });
  });

  it.each(CALLERS)('the singular profile, nested routes, /db and /users as %s', async (caller) => {
    const api = await serve();
    const sent: Array<[string, string, string, unknown?]> = [
      ['GET', '/profile', '/profile'],
      ['PATCH', '/profile', '/profile', { theme: 'light' }],
      ['PUT', '/profile', '/profile', { name: 'new' }],
      ['POST', '/profile', '/profile', { theme: 'blue' }],
      ['GET', '/posts/2/comments', '/posts/{id}/comments'],
      ['POST', '/posts/2/comments', '/posts/{id}/comments', { body: 'nested' }],
      ['GET', '/posts/2/reviews', '/posts/{id}/reviews'],
      ['GET', '/db', '/db'],
      ['GET', '/users', '/users'],
      ['GET', '/users/3', '/users/{id}'],
      ['GET', '/users/2/posts', '/users/{id}/posts'],
    ];
    for (const [method, url, template, body] of sent) await contract(api, () => as(api, caller, method, url, body), { method, url, template, label: caller });
  });

  it('--read-only: the document leaves every write out, and the server refuses each, even an admin’s', async () => {
    const api = await open(project({ 'db.json': rulesDb(), 'users.json': SAMPLE_USERS, 'routes.json': RULES_ROUTES }), { readOnly: true });
    const admin = await login(api.app, SAMPLE_LOGINS.admin.email, SAMPLE_LOGINS.admin.password);
    for (const name of Object.keys(FIELD))
      for (const [method, url, template, body] of operations(name)) {
        const response = await call(api, admin, { method, url, template, body, label: 'admin, --read-only' });
        if (method !== 'GET') expect([method, url, response.status]).toEqual([method, url, 403]);
      }
  });

  it('the errors of a write: a body that is not JSON (400), an id that exists (409)', async () => {
    const api = await serve();
    const broken = await contract(api, () => as(api, 'admin', 'POST', '/posts').set('Content-Type', 'application/json').send('{"title": '), {
      method: 'POST',
      url: '/posts',
      template: '/posts',
      label: 'admin, broken JSON',
    });
    expect(broken.status).toBe(400);
    const taken = await contract(api, () => as(api, 'admin', 'POST', '/posts', { id: 2, title: 'again' }), {
      method: 'POST',
      url: '/posts',
      template: '/posts',
      label: 'admin, id 2 again',
    });
    expect(taken.status).toBe(409);
  });
});

describe('the auth API answers as the document says', () => {
  const carol = { email: 'carol@example.com', password: 'carol-pass-1' };
  const newPassword = 'carol-pass-2';

  it('registration, login, the profile, refresh, sessions, the password, tokens, administration, the outbox, logouts', async () => {
    const api = await open(project(SAMPLE_FILES));
    const send = flowOf(api);
    const admin = await login(api.app, SAMPLE_LOGINS.admin.email, SAMPLE_LOGINS.admin.password);
    const alice = await login(api.app, SAMPLE_LOGINS.alice.email, SAMPLE_LOGINS.alice.password);
    const registered = (await send('a newcomer', 201, { method: 'POST', url: '/auth/register', body: { ...carol, name: 'Carol' } })).body;
    await send('the same email again', 409, { method: 'POST', url: '/auth/register', body: carol });
    await send('no password', 400, { method: 'POST', url: '/auth/register', body: { email: 'dave@example.com' } });
    await send('a form', 200, { method: 'POST', url: '/auth/login', body: carol, form: true });
    await send('a wrong password', 401, { method: 'POST', url: '/auth/login', body: { ...carol, password: 'wrong-password' } });
    await send('no name', 400, { method: 'POST', url: '/auth/login', body: { password: 'x' } });
    const pair = (await send('carol', 200, { method: 'POST', url: '/auth/login', body: carol })).body;
    const token = pair.accessToken as string;
    await send('carol', 200, { method: 'GET', url: '/auth/me', token });
    await send('anonymous', 401, { method: 'GET', url: '/auth/me' });
    await send('a forged token', 401, { method: 'GET', url: '/auth/me', token: 'not.a.token' });
    await send('carol', 200, { method: 'PATCH', url: '/auth/me', token, body: { name: 'Caroline' } });
    await send('carol, a new email without the password', 400, { method: 'PATCH', url: '/auth/me', token, body: { email: 'caroline@example.com' } });
    await send('carol, a wrong password', 403, {
      method: 'PATCH',
      url: '/auth/me',
      token,
      body: { email: 'caroline@example.com', currentPassword: 'wrong-one' },
    });
    const taken = { email: SAMPLE_LOGINS.alice.email, currentPassword: carol.password };
    await send('carol taking alice’s email', 409, { method: 'PATCH', url: '/auth/me', token, body: taken });
    const renewed = (await send('carol', 200, { method: 'POST', url: '/auth/refresh', body: { refreshToken: pair.refreshToken } })).body;
    await send('an unknown refresh token', 401, { method: 'POST', url: '/auth/refresh', body: { refreshToken: 'nope' } });
    await send('no refresh token', 400, { method: 'POST', url: '/auth/refresh', body: {} });
    const current = renewed.accessToken as string;
    await send('carol', 200, { method: 'GET', url: '/auth/sessions', token: current });
    await send('carol', 404, { method: 'DELETE', url: '/auth/sessions/unknown', template: '/auth/sessions/{id}', token: current });
    const other = await loginPair(api.app, carol.email, carol.password);
    await send('carol', 204, { method: 'DELETE', url: `/auth/sessions/${sidOf(other.accessToken)}`, template: '/auth/sessions/{id}', token: current });
    await send('carol, a wrong password', 403, { method: 'POST', url: '/auth/password', token: current, body: { currentPassword: 'wrong-one', newPassword } });
    await send('carol', 204, { method: 'POST', url: '/auth/password', token: current, body: { currentPassword: carol.password, newPassword } });
    await send('anyone', 200, { method: 'POST', url: '/auth/revoke', body: { token: other.refreshToken } });
    await send('anyone', 400, { method: 'POST', url: '/auth/revoke', body: {} });
    await send('alice', 403, { method: 'POST', url: '/auth/introspect', token: alice, body: { token: alice } });
    await send('admin', 200, { method: 'POST', url: '/auth/introspect', token: admin, body: { token: current } });
    await send('admin', 200, { method: 'POST', url: '/auth/introspect', token: admin, body: { token: 'nope' } });
    await send('anonymous', 401, { method: 'POST', url: '/auth/introspect', body: { token: 'nope' } });
    await send('admin', 200, { method: 'GET', url: '/auth/users', token: admin });
    await send('alice', 403, { method: 'GET', url: '/auth/users', token: alice });
    await send('admin', 404, { method: 'PATCH', url: '/auth/users/999', template: '/auth/users/{id}', token: admin, body: { role: 'editor' } });
    await send('admin', 200, {
      method: 'PATCH',
      url: `/auth/users/${registered.user.id}`,
      template: '/auth/users/{id}',
      token: admin,
      body: { role: 'editor' },
    });
    await send('carol', 200, { method: 'GET', url: '/auth/userinfo', token: current });
    await send('alice', 200, { method: 'POST', url: '/auth/userinfo', token: alice });
    await send('anonymous', 401, { method: 'GET', url: '/auth/userinfo' });
    await send('carol', 204, { method: 'POST', url: '/auth/logout', body: { refreshToken: renewed.refreshToken } });
    await send('nobody', 401, { method: 'POST', url: '/auth/logout', body: {} });
    const last = await login(api.app, carol.email, newPassword);
    await send('carol', 204, { method: 'POST', url: '/auth/logout-all', token: last });
    const final = await login(api.app, carol.email, newPassword);
    await send('carol, a wrong password', 403, { method: 'DELETE', url: '/auth/me', token: final, body: { password: 'wrong-password' } });
    await send('carol', 200, { method: 'DELETE', url: '/auth/me', token: final, body: { password: newPassword } });
  });

  it('the account flows, the outbox, the public documents and the provider', async () => {
    const api = await open(project(SAMPLE_FILES));
    const send = flowOf(api);
    const admin = await login(api.app, SAMPLE_LOGINS.admin.email, SAMPLE_LOGINS.admin.password);
    const alice = await login(api.app, SAMPLE_LOGINS.alice.email, SAMPLE_LOGINS.alice.password);
    await send('anyone', 202, { method: 'POST', url: '/auth/forgot-password', body: { email: SAMPLE_LOGINS.alice.email } });
    await send('anyone', 400, { method: 'POST', url: '/auth/forgot-password', body: {} });
    await send('anyone', 200, { method: 'GET', url: '/auth/reset-password?token=nope' });
    await send('anyone', 400, { method: 'POST', url: '/auth/reset-password', body: { token: 'nope', password: 'whatever-123' } });
    await send('anyone', 400, { method: 'POST', url: '/auth/verify-email', body: { token: 'nope' } });
    await send('anyone', 400, { method: 'GET', url: '/auth/verify-email?token=nope' });
    const erin = (
      await send('a newcomer, json-server-auth’s way', 201, { method: 'POST', url: '/users', body: { email: 'erin@example.com', password: 'erin-pass-1' } })
    ).body;
    await send('erin', 202, { method: 'POST', url: '/auth/verify-email/resend', token: erin.accessToken });
    const outbox = (await send('admin', 200, { method: 'GET', url: '/__outbox', token: admin })).body;
    expect(outbox.messages.length).toBeGreaterThan(0);
    await send('admin', 200, { method: 'GET', url: `/__outbox/${outbox.messages[0].id}`, template: '/__outbox/{id}', token: admin });
    await send('admin', 404, { method: 'GET', url: '/__outbox/nope', template: '/__outbox/{id}', token: admin });
    await send('alice', 403, { method: 'GET', url: '/__outbox', token: alice });
    await send('anonymous', 401, { method: 'GET', url: '/__outbox' });
    await send('admin', 204, { method: 'DELETE', url: '/__outbox', token: admin });
    await send('admin', 204, { method: 'DELETE', url: `/auth/users/${erin.user.id}`, template: '/auth/users/{id}', token: admin });
    await send('admin', 404, { method: 'DELETE', url: `/auth/users/${erin.user.id}`, template: '/auth/users/{id}', token: admin });
    for (const url of ['/.well-known/jwks.json', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'])
      await send('anyone', 200, { method: 'GET', url });
    await send('a client', 400, { method: 'POST', url: '/auth/token', body: { grant_type: 'password' }, form: true });
    await send('a client', 400, { method: 'POST', url: '/auth/token', body: { grant_type: 'authorization_code', code: 'nope' } });
    await send('a browser', 400, { method: 'GET', url: '/auth/authorize' });
    await send('a browser', 200, { method: 'GET', url: '/auth/end-session' });
  });

  it('--cookie: the refresh token travels in a cookie', async () => {
    const api = await open(project(SAMPLE_FILES), { cookie: true });
    const send = flowOf(api);
    await send('a newcomer', 201, { method: 'POST', url: '/auth/register', body: carol });
    const signedIn = await send('carol', 200, { method: 'POST', url: '/auth/login', body: carol });
    const cookie = [signedIn.headers['set-cookie']].flat()[0].split(';')[0];
    expect(cookie).toMatch(/^fja_refresh=./);
    const refreshed = await send('carol', 200, { method: 'POST', url: '/auth/refresh', cookie, body: {} });
    await send('carol', 204, { method: 'POST', url: '/auth/logout', cookie: [refreshed.headers['set-cookie']].flat()[0].split(';')[0], body: {} });
    await send('no cookie', 401, { method: 'POST', url: '/auth/refresh', body: {} });
  });

  it('--require-verified-email and --allow-reset: a registration waits for its link; the outbox opens here; /__reset', async () => {
    const api = await open(project(SAMPLE_FILES), { requireVerifiedEmail: true, allowReset: true });
    const send = flowOf(api);
    await send('a newcomer', 201, { method: 'POST', url: '/auth/register', body: carol });
    await send('carol, unverified', 403, { method: 'POST', url: '/auth/login', body: carol });
    await send('this machine, without a token', 200, { method: 'GET', url: '/__outbox' });
    const admin = await login(api.app, SAMPLE_LOGINS.admin.email, SAMPLE_LOGINS.admin.password);
    await send('admin', 204, { method: 'POST', url: '/__reset', token: admin });
  });
});

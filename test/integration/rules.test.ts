import request from 'supertest';
import { login, useRuleServers, type RuleCaller as Caller } from '../support';

// alice (id 2) owns record 1, bob (id 3) owns record 2, record 3 has no owner. admin is id 1.
const records = () => [
  { id: 1, title: 'alice', userId: 2, postId: 1 },
  { id: 2, title: 'bob', userId: 3, postId: 1 },
  { id: 3, title: 'nobody', postId: 1 },
];
const GUARDS = [644, 640, 600, 664, 660, 444, 440, 400];
const data = () => ({
  posts: [{ id: 1, title: 'post', userId: 2, noteId: 1, secretId: 1 }],
  notices: records(),
  articles: records(),
  notes: records(),
  secrets: records(),
  archives: records(),
  shared: records(),
  drafts: [{ id: 1, title: 'no owner field anywhere' }],
  ...Object.fromEntries(GUARDS.map((code) => [`guarded${code}`, records()])),
});
const ROUTES = {
  '/api/*': '/$1',
  '/posts': { read: 'public', write: ['owner', 'admin'] },
  '/notices': { '*': 'public' },
  '/articles': { '*': 'authenticated' },
  '/notes': { '*': 'owner' },
  '/secrets': { '*': 'admin' },
  '/archives': { read: 'authenticated', write: 'nobody' },
  '/shared': { read: 'authenticated', POST: 'authenticated', 'PUT PATCH DELETE': ['owner', 'admin'] },
  '/drafts': { '*': 'owner' },
  ...Object.fromEntries(GUARDS.map((code) => [`guarded${code}`, code])),
};

const { project, serve, as } = useRuleServers(data, ROUTES);

// Six operations in a row on a fresh server; record 1 is alice's.
const OPERATIONS: Array<[string, string, object?]> = [
  ['GET', ''],
  ['GET', '/1'],
  ['POST', '', { title: 'new' }],
  ['PUT', '/1', { title: 'replaced' }],
  ['PATCH', '/1', { title: 'patched' }],
  ['DELETE', '/1'],
];

// Expected statuses of list / item / create / replace / patch / delete, per caller.
const MATRIX: Record<string, Record<Caller, string>> = {
  notices: { anonymous: '200 200 201 200 200 200', alice: '200 200 201 200 200 200', bob: '200 200 201 200 200 200', admin: '200 200 201 200 200 200' },
  articles: { anonymous: '401 401 401 401 401 401', alice: '200 200 201 200 200 200', bob: '200 200 201 200 200 200', admin: '200 200 201 200 200 200' },
  notes: { anonymous: '401 401 401 401 401 401', alice: '200 200 201 200 200 200', bob: '200 403 201 403 403 403', admin: '200 403 201 403 403 403' },
  secrets: { anonymous: '401 401 401 401 401 401', alice: '403 403 403 403 403 403', bob: '403 403 403 403 403 403', admin: '200 200 201 200 200 200' },
  archives: { anonymous: '401 401 403 403 403 403', alice: '200 200 403 403 403 403', bob: '200 200 403 403 403 403', admin: '200 200 403 403 403 403' },
  shared: { anonymous: '401 401 401 401 401 401', alice: '200 200 201 200 200 200', bob: '200 200 201 403 403 403', admin: '200 200 201 200 200 200' },
  guarded644: { anonymous: '200 200 401 401 401 401', alice: '200 200 201 200 200 200', bob: '200 200 201 403 403 403', admin: '200 200 201 403 403 403' },
  guarded640: { anonymous: '401 401 401 401 401 401', alice: '200 200 201 200 200 200', bob: '200 200 201 403 403 403', admin: '200 200 201 403 403 403' },
  guarded600: { anonymous: '401 401 401 401 401 401', alice: '200 200 201 200 200 200', bob: '200 403 201 403 403 403', admin: '200 403 201 403 403 403' },
  guarded664: { anonymous: '200 200 401 401 401 401', alice: '200 200 201 200 200 200', bob: '200 200 201 200 200 200', admin: '200 200 201 200 200 200' },
  guarded660: { anonymous: '401 401 401 401 401 401', alice: '200 200 201 200 200 200', bob: '200 200 201 200 200 200', admin: '200 200 201 200 200 200' },
  guarded444: { anonymous: '200 200 403 403 403 403', alice: '200 200 403 403 403 403', bob: '200 200 403 403 403 403', admin: '200 200 403 403 403 403' },
  guarded440: { anonymous: '401 401 403 403 403 403', alice: '200 200 403 403 403 403', bob: '200 200 403 403 403 403', admin: '200 200 403 403 403 403' },
  guarded400: { anonymous: '401 401 403 403 403 403', alice: '200 200 403 403 403 403', bob: '200 403 403 403 403 403', admin: '200 403 403 403 403 403' },
};

describe('the access matrix: caller × operation × rule', () => {
  const cases = Object.entries(MATRIX).flatMap(([resource, byCaller]) =>
    (Object.entries(byCaller) as Array<[Caller, string]>).map(
      ([caller, statuses]) => [`${resource} as ${caller}: ${statuses}`, resource, caller, statuses] as const,
    ),
  );
  it.each(cases)('%s', async (_name, resource, caller, statuses) => {
    const api = await serve();
    const seen: string[] = [];
    for (const [method, suffix, body] of OPERATIONS) {
      const response = await as(api, caller, method, `/${resource}${suffix}`, body);
      seen.push(String(response.status));
      if (response.status === 401) expect(response.body.error).toBe('invalid_token');
      if (response.status === 403) expect(response.body.error).toBe('forbidden');
    }
    expect(seen.join(' ')).toBe(statuses);
  });
});

describe('owner semantics', () => {
  it("lists only the caller's records, with X-Total-Count and paging counted over those alone", async () => {
    const api = await serve();
    const response = await as(api, 'bob', 'GET', '/notes?_page=1&_limit=10').expect(200);
    expect(response.body).toEqual([{ id: 2, title: 'bob', userId: 3, postId: 1 }]);
    expect(response.headers['x-total-count']).toBe('1');
  });

  it('lists nothing when no record has the owner field (json-server would drop such a filter)', async () => {
    const api = await serve();
    await as(api, 'alice', 'GET', '/drafts').expect(200, []);
  });

  it('an admin of ["owner", "admin"] sees and changes every record', async () => {
    const api = await serve();
    expect((await as(api, 'admin', 'GET', '/shared').expect(200)).body).toHaveLength(3);
    await as(api, 'admin', 'PATCH', '/shared/1', { userId: 3 }).expect(200);
  });

  it("stamps the caller's id into a create, keeping the id's type", async () => {
    const api = await serve();
    const response = await as(api, 'bob', 'POST', '/notes', { title: 'mine' }).expect(201);
    expect(response.body).toMatchObject({ title: 'mine', userId: 3 });
  });

  it('refuses a create that names someone else, and writes nothing', async () => {
    const api = await serve();
    await as(api, 'bob', 'POST', '/notes', { title: 'for alice', userId: 2 }).expect(403);
    await as(api, 'bob', 'POST', '/notes', { title: 'for alice', userId: '2' }).expect(403);
    expect(api.database.db.getState().notes).toEqual(records());
  });

  it('refuses an update that hands a record to someone else', async () => {
    const api = await serve();
    await as(api, 'bob', 'PATCH', '/notes/2', { userId: 2 }).expect(403);
    await as(api, 'bob', 'PUT', '/notes/2', { title: 'gift', userId: 2 }).expect(403);
    const replaced = await as(api, 'bob', 'PUT', '/notes/2', { title: 'still mine' }).expect(200);
    expect(replaced.body).toEqual({ id: 2, title: 'still mine', userId: 3 });
  });

  it('a record without an owner field belongs to nobody', async () => {
    const api = await serve();
    await as(api, 'alice', 'GET', '/notes/3').expect(403);
    await as(api, 'alice', 'DELETE', '/notes/3').expect(403);
  });

  it('nested routes: the child rule decides, owner filtering included, and the parent must be readable', async () => {
    const api = await serve();
    expect((await as(api, 'bob', 'GET', '/posts/1/notes').expect(200)).body).toEqual([{ id: 2, title: 'bob', userId: 3, postId: 1 }]);
    await as(api, 'alice', 'GET', '/secrets/1/notes').expect(403); // the parent is admin-only
    await as(api, 'bob', 'GET', '/notes/1/articles').expect(403); // note 1 is alice's
    await as(api, 'alice', 'GET', '/notes/1/articles').expect(200);
    // POST /users/2/notes stamps userId=2 (the parent), which is not bob
    await as(api, 'bob', 'POST', '/users/2/notes', { title: 'x' }).expect(403);
    await as(api, 'bob', 'POST', '/users/3/notes', { title: 'x' }).expect(201);
  });

  it('the users resource under an owner rule shows only the caller', async () => {
    const api = await serve({ '/users': { read: 'owner' } });
    expect((await as(api, 'bob', 'GET', '/users').expect(200)).body).toEqual([{ id: 3, email: 'bob@example.com' }]);
    await as(api, 'bob', 'GET', '/users/2').expect(403);
    await as(api, 'bob', 'GET', '/users/3').expect(200);
  });
});

describe('embedding never returns what the caller could not read directly', () => {
  it("_embed keeps only the caller's records of an owner collection", async () => {
    const api = await serve();
    const response = await as(api, 'bob', 'GET', '/posts/1?_embed=notes').expect(200);
    expect(response.body.notes).toEqual([{ id: 2, title: 'bob', userId: 3, postId: 1 }]);
    const list = await as(api, 'bob', 'GET', '/posts?_embed=notes&_embed=articles').expect(200);
    expect(list.body[0].notes).toHaveLength(1);
    expect(list.body[0].articles).toHaveLength(3);
  });

  it('_embed and _expand drop collections the caller may not read at all', async () => {
    const api = await serve();
    const embedded = await as(api, 'alice', 'GET', '/posts/1?_embed=secrets&_expand=secret').expect(200);
    expect(embedded.body).not.toHaveProperty('secrets');
    expect(embedded.body).not.toHaveProperty('secret');
    const anonymous = await as(api, 'anonymous', 'GET', '/posts?_embed=articles').expect(200);
    expect(anonymous.body[0]).not.toHaveProperty('articles');
    const admin = await as(api, 'admin', 'GET', '/posts/1?_expand=secret').expect(200);
    expect(admin.body.secret).toMatchObject({ id: 1 });
  });

  it('_expand of an owner collection keeps the record only for its owner', async () => {
    const api = await serve();
    expect((await as(api, 'alice', 'GET', '/posts/1?_expand=note').expect(200)).body.note).toMatchObject({ id: 1 });
    expect((await as(api, 'bob', 'GET', '/posts/1?_expand=note').expect(200)).body).not.toHaveProperty('note');
  });

  it('names that are lodash paths, not collections, are dropped', async () => {
    const api = await serve();
    const response = await as(api, 'alice', 'GET', '/posts/1?_embed=secrets.0&_embed[x]=secrets').expect(200);
    expect(Object.keys(response.body).sort()).toEqual(['id', 'noteId', 'secretId', 'title', 'userId']);
  });
});

describe('no way around a rule', () => {
  // Each bypass shape against the owner rule (/notes, record 1 is alice's) and the role rule (/secrets, admin).
  const shapes: Array<[string, Caller, string, string, Record<string, string>?, number?]> = [
    ['method override header', 'bob', 'POST', '/notes/1', { 'X-HTTP-Method-Override': 'DELETE' }],
    ['method override header', 'alice', 'POST', '/secrets/1', { 'X-HTTP-Method-Override': 'DELETE' }],
    ['method override, lower case', 'bob', 'POST', '/notes/1', { 'x-http-method-override': 'patch' }],
    ['upper-case path', 'bob', 'DELETE', '/NOTES/1'],
    ['upper-case path', 'alice', 'GET', '/SECRETS'],
    ['trailing slash', 'bob', 'DELETE', '/notes/1/'],
    ['trailing slash', 'alice', 'GET', '/secrets/'],
    ['percent-encoded name', 'bob', 'DELETE', '/%6Eotes/1'],
    ['percent-encoded name', 'alice', 'GET', '/s%65crets'],
    ['percent-encoded id', 'bob', 'GET', '/notes/%31'],
    ['nested route', 'alice', 'GET', '/posts/1/secrets'],
    ['nested route through a fake parent', 'alice', 'GET', '/anything/1/secrets'],
    ['nested route, encoded child', 'alice', 'GET', '/posts/1/%73ecrets'],
    ['HEAD', 'bob', 'HEAD', '/notes/1'],
    ['HEAD', 'alice', 'HEAD', '/secrets'],
    ['a rewrite', 'bob', 'DELETE', '/api/notes/1'],
    ['a rewrite', 'alice', 'GET', '/api/secrets'],
  ];
  it.each(shapes)('%s: %s %s %s is refused', async (_shape, caller, method, url, headers = {}) => {
    const api = await serve();
    const call = as(api, caller, method, url);
    for (const [name, value] of Object.entries(headers)) call.set(name, value);
    const response = await call;
    expect(response.status).toBe(403);
    expect(api.database.db.getState().notes).toEqual(records());
    expect(api.database.db.getState().secrets).toEqual(records());
  });

  it('the query form of method override is not honoured: json-server has no such route', async () => {
    const api = await serve();
    await as(api, 'bob', 'POST', '/notes/1?_method=DELETE').expect(404);
    expect(api.database.db.getState().notes).toEqual(records());
  });

  it('OPTIONS answers the methods and no data', async () => {
    const api = await serve();
    const response = await request(api.app).options('/secrets/1');
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
  });
});

describe('routes.json', () => {
  it('the most specific pattern wins', async () => {
    const api = await serve({ '/articles': { '*': 'admin' }, '/articles/1': { read: 'public' } });
    await as(api, 'anonymous', 'GET', '/articles/1').expect(200);
    await as(api, 'anonymous', 'GET', '/articles/2').expect(401);
    await as(api, 'alice', 'GET', '/articles').expect(403);
  });

  it('methods a rule does not name get the default access', async () => {
    const api = await serve({ '/articles': { read: 'public' } });
    await as(api, 'anonymous', 'GET', '/articles').expect(200);
    await as(api, 'anonymous', 'POST', '/articles', { title: 'x' }).expect(401);
    await as(api, 'alice', 'POST', '/articles', { title: 'x' }).expect(201);
  });

  it('a guard in a rewrite target means what it means in json-server-auth', async () => {
    const api = await serve({ '/articles*': '/640/articles$1' });
    await as(api, 'anonymous', 'GET', '/articles').expect(401);
    await as(api, 'bob', 'GET', '/articles').expect(200);
    await as(api, 'bob', 'DELETE', '/articles/1').expect(403);
    await as(api, 'alice', 'DELETE', '/articles/1').expect(200);
  });

  it.each([
    ['a bad guard', { posts: 645 }, /posts.*645 is not a guard/],
    ['a bad method', { '/posts': { FETCH: 'public' } }, /FETCH/],
    ['an empty list', { '/posts': { read: [] } }, /empty/],
    ['nobody among others', { '/posts': { read: ['nobody', 'admin'] } }, /nobody/],
    ['a who that is not a word', { '/posts': { read: 'the admins' } }, /not a role name/],
    ['a rule naming no method', { '/posts': {} }, /names no method/],
    ['the same method twice', { '/posts': { GET: 'public', get: 'admin' } }, /already given/],
    ['a boolean', { '/posts': true }, /expected a string/],
    ['a guard whose resource is a parameter', { '/x/:name*': '/600/:name$1' }, /cannot tell which resource/],
  ])('refuses %s at start (ERR_ROUTES_FILE) naming the key', async (_case, routes, reason) => {
    await expect(serve(routes)).rejects.toMatchObject({ code: 'ERR_ROUTES_FILE', exitCode: 2, message: expect.stringMatching(reason) });
  });
});

describe('account administration', () => {
  it('admins list accounts, change a role that takes effect on the next token, and delete accounts', async () => {
    const api = await serve();
    const list = await as(api, 'admin', 'GET', '/auth/users').expect(200);
    expect(list.body.map((user: { email: string }) => user.email)).toEqual(['admin@example.com', 'alice@example.com', 'bob@example.com']);
    expect(JSON.stringify(list.body)).not.toMatch(/password|scrypt/);
    const changed = await as(api, 'admin', 'PATCH', '/auth/users/3', { role: 'admin' }).expect(200);
    expect(changed.body).toEqual({ id: 3, email: 'bob@example.com', role: 'admin' });
    const token = await login(api.app, 'bob@example.com', 'bob12345');
    await request(api.app).get('/secrets').set('Authorization', `Bearer ${token}`).expect(200);
    await as(api, 'admin', 'PATCH', '/auth/users/3', { role: 'user' }).expect(200);
    await as(api, 'admin', 'DELETE', '/auth/users/99').expect(404);
  });

  it.each([
    ['GET', '/auth/users', undefined],
    ['PATCH', '/auth/users/2', { role: 'admin' }],
    ['DELETE', '/auth/users/2', undefined],
  ])('%s %s is refused to a non-admin', async (method, url, body) => {
    const api = await serve();
    const before = project.read('users.json');
    const response = await as(api, 'alice', method, url, body).expect(403);
    expect(response.headers['www-authenticate']).toMatch(/insufficient_scope/);
    await as(api, 'anonymous', method, url, body).expect(401);
    expect(project.read('users.json')).toBe(before);
  });

  it('refuses a role that is a keyword, and a password change', async () => {
    const api = await serve();
    await as(api, 'admin', 'PATCH', '/auth/users/2', { role: 'public' }).expect(400);
    await as(api, 'admin', 'PATCH', '/auth/users/2', { role: 7 }).expect(400);
    await as(api, 'admin', 'PATCH', '/auth/users/2', { password: 'new-password' }).expect(400);
  });

  it('PATCH /auth/me changes profile fields, never the role', async () => {
    const api = await serve();
    const response = await as(api, 'alice', 'PATCH', '/auth/me', { name: 'Alice B', role: 'admin', id: 9 }).expect(200);
    expect(response.body).toEqual({ id: 2, email: 'alice@example.com', role: 'user', name: 'Alice B' });
  });

  it('POST /users registers, as json-server-auth clients expect', async () => {
    const api = await serve();
    const response = await request(api.app).post('/users').send({ email: 'carol@example.com', password: 'carol-pass' }).expect(201);
    expect(response.body).toMatchObject({ accessToken: expect.any(String), user: { email: 'carol@example.com', role: 'user' } });
  });
});

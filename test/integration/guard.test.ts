import request from 'supertest';
import { login, makeProject, serverFor, snapshotFiles, useServer } from '../support';
import type { FakeJwtApi } from '../../src/app/create-server';

const { project, serve } = useServer({ scope: 'file' });
let api: FakeJwtApi;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  project.write('public/hello.txt', 'static hello');
  api = await serve({ static: project.file('public') });
  tokens.user = await login(api.app, 'alice@example.com', 'alice123');
  tokens.admin = await login(api.app, 'admin@example.com', 'admin123');
});

type Caller = 'anonymous' | 'user' | 'admin';
interface Row {
  method: string;
  url: string;
  as: Caller;
  status: number;
  error?: string;
  body?: object;
  headers?: Record<string, string>;
}

function send(row: Pick<Row, 'method' | 'url' | 'as' | 'body' | 'headers'>) {
  const call = request(api.app)[row.method.toLowerCase() as 'get'](row.url);
  if (row.as !== 'anonymous') call.set('Authorization', `Bearer ${tokens[row.as]}`);
  for (const [name, value] of Object.entries(row.headers ?? {})) call.set(name, value);
  return row.body === undefined ? call : call.send(row.body);
}

const label = (row: Row) =>
  `${row.as} ${row.method} ${row.url}${row.headers ? ` ${JSON.stringify(row.headers)}` : ''} → ${row.status}${row.error ? ` ${row.error}` : ''}`;

describe('default access: every resource needs a token', () => {
  const rows: Row[] = [
    // collections, items, nested routes, singular resources: anonymous callers are refused
    { method: 'GET', url: '/posts', as: 'anonymous', status: 401, error: 'invalid_token' },
    { method: 'GET', url: '/posts/1', as: 'anonymous', status: 401, error: 'invalid_token' },
    { method: 'HEAD', url: '/posts', as: 'anonymous', status: 401 },
    { method: 'POST', url: '/posts', as: 'anonymous', status: 401, error: 'invalid_token', body: { title: 'x' } },
    { method: 'PUT', url: '/posts/1', as: 'anonymous', status: 401, error: 'invalid_token', body: { title: 'x' } },
    { method: 'PATCH', url: '/posts/1', as: 'anonymous', status: 401, error: 'invalid_token', body: { title: 'x' } },
    { method: 'DELETE', url: '/posts/1', as: 'anonymous', status: 401, error: 'invalid_token' },
    { method: 'GET', url: '/posts/1/comments', as: 'anonymous', status: 401, error: 'invalid_token' },
    { method: 'POST', url: '/posts/1/comments', as: 'anonymous', status: 401, error: 'invalid_token', body: { body: 'x' } },
    { method: 'GET', url: '/profile', as: 'anonymous', status: 401, error: 'invalid_token' },
    { method: 'PUT', url: '/profile', as: 'anonymous', status: 401, error: 'invalid_token', body: { name: 'x' } },
    { method: 'GET', url: '/users', as: 'anonymous', status: 401, error: 'invalid_token' },
    { method: 'GET', url: '/users/1/posts', as: 'anonymous', status: 401, error: 'invalid_token' },
    { method: 'GET', url: '/db', as: 'anonymous', status: 401, error: 'invalid_token' },
    // the same paths, spelled the ways Express and json-server also accept them
    { method: 'GET', url: '/POSTS', as: 'anonymous', status: 401, error: 'invalid_token' },
    { method: 'GET', url: '/Posts/1/', as: 'anonymous', status: 401, error: 'invalid_token' },
    { method: 'GET', url: '/posts/', as: 'anonymous', status: 401, error: 'invalid_token' },
    { method: 'GET', url: '/%70osts', as: 'anonymous', status: 401, error: 'invalid_token' },
    { method: 'GET', url: '/x/1/%63omments', as: 'anonymous', status: 401, error: 'invalid_token' },
    { method: 'GET', url: '/DB', as: 'anonymous', status: 401, error: 'invalid_token' },
    { method: 'GET', url: '/db/', as: 'user', status: 403, error: 'forbidden' },
    // a POST that json-server would run as a DELETE is judged as the DELETE
    { method: 'POST', url: '/posts/1', as: 'anonymous', status: 401, error: 'invalid_token', headers: { 'X-HTTP-Method-Override': 'DELETE' } },
    // signed-in callers get json-server's answers
    { method: 'GET', url: '/posts', as: 'user', status: 200 },
    { method: 'GET', url: '/POSTS/1', as: 'user', status: 200 },
    { method: 'GET', url: '/posts/999', as: 'user', status: 404 }, // json-server's own 404 for a missing record
    { method: 'GET', url: '/posts/1/comments', as: 'user', status: 200 },
    { method: 'GET', url: '/profile', as: 'user', status: 200 },
    { method: 'GET', url: '/users/2', as: 'user', status: 200 },
    // GET /db is for admins
    { method: 'GET', url: '/db', as: 'user', status: 403, error: 'forbidden' },
    { method: 'GET', url: '/db', as: 'admin', status: 200 },
    // the users resource shows accounts and cannot be written, by anyone
    { method: 'PUT', url: '/users/2', as: 'admin', status: 403, error: 'forbidden', body: { email: 'x@example.com' } },
    { method: 'PATCH', url: '/users/2', as: 'user', status: 403, error: 'forbidden', body: { role: 'admin' } },
    { method: 'DELETE', url: '/USERS/2', as: 'admin', status: 403, error: 'forbidden' },
    { method: 'POST', url: '/users/2', as: 'user', status: 403, error: 'forbidden', headers: { 'X-HTTP-Method-Override': 'PATCH' }, body: { role: 'admin' } },
    // paths json-server has no route for are 404, with or without a token
    { method: 'GET', url: '/nothing', as: 'anonymous', status: 404, error: 'not_found' },
    { method: 'GET', url: '/nothing', as: 'user', status: 404, error: 'not_found' },
    { method: 'GET', url: '/posts/1/2/3', as: 'user', status: 404, error: 'not_found' },
    { method: 'GET', url: '/posts/1/nothing', as: 'anonymous', status: 404, error: 'not_found' },
    { method: 'PUT', url: '/posts', as: 'user', status: 404, error: 'not_found', body: { title: 'x' } },
    { method: 'GET', url: '//posts', as: 'anonymous', status: 404, error: 'not_found' },
    { method: 'GET', url: '/%E0%A4%A', as: 'anonymous', status: 404, error: 'not_found' },
    // public: the home page, static files
    { method: 'GET', url: '/', as: 'anonymous', status: 200 },
    { method: 'GET', url: '/hello.txt', as: 'anonymous', status: 200 },
  ];

  it.each(rows.map((row) => [label(row), row] as const))('%s', async (_label, row) => {
    const response = await send(row);
    expect(response.status).toBe(row.status);
    if (row.error) expect(response.body).toEqual({ error: row.error, message: expect.any(String) });
    if (row.status === 401) expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="fake-jwt-api"/);
  });
});

describe('writes', () => {
  it('a refused write changes nothing on disk', async () => {
    const before = snapshotFiles(project);
    await send({ method: 'POST', url: '/posts', as: 'anonymous', body: { title: 'sneaky' } }).expect(401);
    await send({ method: 'DELETE', url: '/posts/1', as: 'anonymous' }).expect(401);
    await send({ method: 'PATCH', url: '/users/2', as: 'user', body: { role: 'admin' } }).expect(403);
    expect(snapshotFiles(project)).toEqual(before);
  });

  it('a signed-in write reaches db.json before the response', async () => {
    const response = await send({ method: 'POST', url: '/posts', as: 'user', body: { title: 'written' } }).expect(201);
    expect((project.json('db.json') as { posts: Array<{ id: number }> }).posts).toContainEqual({ id: response.body.id, title: 'written' });
  });

  it('a nested POST stamps the parent id, as json-server does', async () => {
    const response = await send({ method: 'POST', url: '/posts/2/comments', as: 'user', body: { body: 'nested' } }).expect(201);
    expect(response.body).toMatchObject({ body: 'nested', postId: '2' });
  });

  it('a body that is not a JSON object is a 400', async () => {
    const response = await send({ method: 'POST', url: '/posts', as: 'user', body: [{ title: 'x' }] }).expect(400);
    expect(response.body.error).toBe('invalid_request');
  });

  it('a duplicate id is a 409, not a stack trace', async () => {
    const response = await send({ method: 'POST', url: '/posts', as: 'user', body: { id: 1, title: 'dup' } }).expect(409);
    expect(response.body.error).toBe('conflict');
  });

  it('the users resource never holds a password', async () => {
    const response = await send({ method: 'GET', url: '/users', as: 'user' }).expect(200);
    expect(response.body.length).toBeGreaterThan(0);
    for (const user of response.body) expect(user).not.toHaveProperty('password');
  });
});

describe('CORS', () => {
  it('answers a preflight without a token and exposes the auth and paging headers', async () => {
    const response = await request(api.app)
      .options('/posts')
      .set('Origin', 'http://app.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization')
      .expect(204);
    expect(response.headers['access-control-allow-origin']).toBe('http://app.example');
    expect(response.headers['access-control-allow-headers']).toMatch(/authorization/i);
  });

  it('exposes WWW-Authenticate, X-Total-Count and Link on every answer', async () => {
    const refused = await request(api.app).get('/posts').set('Origin', 'http://app.example').expect(401);
    expect(refused.headers['access-control-expose-headers']).toMatch(/WWW-Authenticate/);
    const paged = await send({ method: 'GET', url: '/posts?_page=1&_limit=1', as: 'user', headers: { Origin: 'http://app.example' } }).expect(200);
    expect(paged.headers['x-total-count']).toBeDefined();
    expect(paged.headers['access-control-expose-headers']).toEqual(expect.stringContaining('WWW-Authenticate'));
    expect(paged.headers['access-control-expose-headers']).toEqual(expect.stringContaining('X-Total-Count'));
    expect(paged.headers['access-control-expose-headers']).toEqual(expect.stringContaining('Link'));
  });
});

describe('options', () => {
  it('--default-access public opens resources but still refuses a bad token and keeps /db for admins', async () => {
    const open = await serve({ defaultAccess: 'public' });
    await request(open.app).get('/posts').expect(200);
    await request(open.app).post('/posts').send({ title: 'open' }).expect(201);
    await request(open.app).get('/posts').set('Authorization', 'Bearer not-a-token').expect(401);
    await request(open.app).get('/db').expect(401);
  });

  it('--read-only refuses resource writes with a JSON 403 and keeps /auth working', async () => {
    const readOnly = await serve({ readOnly: true });
    const token = await login(readOnly.app, 'alice@example.com', 'alice123');
    const before = snapshotFiles(project);
    const response = await request(readOnly.app).post('/posts').set('Authorization', `Bearer ${token}`).send({ title: 'x' }).expect(403);
    expect(response.body.error).toBe('forbidden');
    await request(readOnly.app).post('/posts/1').set('Authorization', `Bearer ${token}`).set('X-HTTP-Method-Override', 'DELETE').expect(403);
    await request(readOnly.app).get('/posts').set('Authorization', `Bearer ${token}`).expect(200);
    expect(snapshotFiles(project)).toEqual(before);
    await request(readOnly.app).post('/auth/register').send({ email: 'ro@example.com', password: 'read-only-ok' }).expect(201);
  });

  it('cors: false sends no CORS headers at all', async () => {
    const closed = await serve({ cors: false });
    const response = await request(closed.app).get('/posts').set('Origin', 'http://app.example');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('rewrites from routes.json apply before the guard', async () => {
    const rewritten = await serve({ routes: { '/api/*': '/$1' } });
    await request(rewritten.app).get('/api/posts').expect(401);
    await request(rewritten.app).get('/api/db').set('Authorization', `Bearer ${tokens.user}`).expect(403);
    await request(rewritten.app).get('/api/posts/1').set('Authorization', `Bearer ${tokens.user}`).expect(200);
  });

  it('the foreign key suffix of nested routes follows --fks', async () => {
    const withSuffix = makeProject({
      'db.json': {
        posts: [{ id: 1 }],
        comments: [
          { id: 1, post_id: 1 },
          { id: 2, post_id: 2 },
        ],
      },
      'users.json': [{ id: 1, email: 'a@example.com', password: 'a-password' }],
    });
    const server = await serverFor(withSuffix, { foreignKeySuffix: '_id' });
    try {
      const token = await login(server.app, 'a@example.com', 'a-password');
      const response = await request(server.app).get('/posts/1/comments').set('Authorization', `Bearer ${token}`).expect(200);
      expect(response.body).toEqual([{ id: 1, post_id: 1 }]);
    } finally {
      await server.close();
      withSuffix.cleanup();
    }
  });
});

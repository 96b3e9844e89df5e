import { execFileSync } from 'node:child_process';
import { linkSync, statSync } from 'node:fs';
import request from 'supertest';
import { start, type StartedServer } from '../../src/app/start';
import { call, login as loginAt, makeProject, type Project } from '../support';
import { rawRequest } from '../support/raw-http';

// A hard link is the same file under a second name: `ln users.json public/u.json` serves the accounts, and keeps the
// version of the moment once the server has written users.json anew (by rename: a new file, and the link keeps the
// old one, with a link count of 1 from then on).

const SECRET = 'the-secret-in-json-server-json-0123456789';
const LEAKS = /the-secret-in-json-server|scrypt|\$2[aby]\$|alice123|alice@example|"posts"|"sessions"|outside-content/;

let project: Project;
let server: StartedServer;
let errors: jest.SpyInstance;

const get = (url: string) => rawRequest(server.url, { path: url });
const link = (target: string, name: string) => linkSync(project.file(target), project.file(`public/${name}`));
const register = (email: string) =>
  rawRequest(server.url, {
    method: 'POST',
    path: '/auth/register',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: 'a-long-password' }),
  });

beforeAll(async () => {
  errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  project = makeProject();
  project.write('json-server.json', { secret: SECRET });
  project.write('outside.txt', 'outside-content');
  project.write('public/hello.txt', 'hello');
  project.write('public/original.txt', 'deduplicated');
  link('outside.txt', 'outside.txt');
  link('json-server.json', 'cfg.json');
  link('public/original.txt', 'dedup.txt'); // two names inside the folder
  link('db.json', 'db-before-start.json');
  server = await start({ db: project.file('db.json'), static: project.file('public') });
});

afterAll(async () => {
  await server.close();
  project.cleanup();
  errors.mockRestore();
});

it.each([
  ['a hard link to a file outside the folder', '/outside.txt'],
  ['a hard link to the config file, which holds the secret', '/cfg.json'],
  ['a file with a second name inside the folder', '/dedup.txt'],
  ['its other name', '/original.txt'],
  ['a hard link to db.json', '/db-before-start.json'],
])('refuses %s', async (_shape, url) => {
  const response = await get(url);
  expect(response.status).toBe(404);
  expect(response.text).not.toMatch(LEAKS);
  expect((await rawRequest(server.url, { method: 'HEAD', path: url })).status).toBe(404);
});

it('says once, on stderr, why a hard link is not served and what to do', async () => {
  await get('/dedup.txt');
  await get('/outside.txt');
  const told = errors.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('hard link'));
  expect(told).toHaveLength(1);
  expect(told[0]).toMatch(/copy/);
});

it('still refuses a hard link to db.json once db.json has been written anew (and the link kept the old version)', async () => {
  const token = await loginAt(server.url, 'alice@example.com', 'alice123');
  const addPost = async () => {
    const before = statSync(project.file('db.json')).ino;
    const response = await rawRequest(server.url, {
      method: 'POST',
      path: '/posts',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: '{"title":"new"}',
    });
    expect(response.status).toBe(201);
    expect(statSync(project.file('db.json')).ino).not.toBe(before);
  };
  await addPost(); // db-before-start.json now holds db.json as it was at start, under no other name
  link('db.json', 'db-while-running.json');
  expect((await get('/db-while-running.json')).status).toBe(404);
  await addPost();
  for (const url of ['/db-before-start.json', '/db-while-running.json']) {
    expect(statSync(project.file(`public${url}`)).nlink).toBe(1);
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(response.text).not.toMatch(LEAKS);
  }
});

it('refuses a hard link to users.json, before and after the server writes users.json anew', async () => {
  link('users.json', 'users-linked.json');
  expect((await get('/users-linked.json')).status).toBe(404);
  expect((await register('new-account@example.com')).status).toBe(201);
  expect(statSync(project.file('public/users-linked.json')).nlink).toBe(1);
  const response = await get('/users-linked.json');
  expect(response.status).toBe(404);
  expect(response.text).not.toMatch(LEAKS);
});

it('refuses a hard link to a file of the state folder', async () => {
  linkSync(project.file('.fake-jwt-api/sessions.json'), project.file('public/sessions.json'));
  expect((await get('/sessions.json')).status).toBe(404);
});

it('refuses a FIFO without waiting for a writer', async () => {
  execFileSync('mkfifo', [project.file('public/pipe.txt')]);
  expect((await get('/pipe.txt')).status).toBe(404);
});

describe('the headers express.static gives, from the opened file', () => {
  const body = 'x'.repeat(4000); // above the gzip threshold

  beforeAll(() => {
    project.write('public/big.txt', body);
    project.write('public/empty.txt', '');
    project.write('public/site/index.html', '<p>site</p>');
  });

  it('type, length, ETag and Last-Modified; HEAD without a body', async () => {
    const response = await get('/big.txt');
    expect(response.status).toBe(200);
    expect(response.text).toBe(body);
    expect(response.headers['content-type']).toMatch(/^text\/plain; charset=utf-8$/i);
    expect(response.headers['content-length']).toBe('4000');
    expect(response.headers.etag).toMatch(/^W\/"fa0-[0-9a-f]+"$/);
    expect(new Date(response.headers['last-modified']!).getTime()).toBe(Math.floor(statSync(project.file('public/big.txt')).mtimeMs / 1000) * 1000);
    const head = await rawRequest(server.url, { method: 'HEAD', path: '/big.txt' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('4000');
    expect(head.text).toBe('');
  });

  it('a 304 for a fresh conditional GET', async () => {
    const { headers } = await get('/big.txt');
    expect((await rawRequest(server.url, { path: '/big.txt', headers: { 'If-None-Match': headers.etag! } })).status).toBe(304);
    expect((await rawRequest(server.url, { path: '/big.txt', headers: { 'If-Modified-Since': headers['last-modified']! } })).status).toBe(304);
    expect((await rawRequest(server.url, { path: '/big.txt', headers: { 'If-None-Match': 'W/"other"' } })).status).toBe(200);
  });

  it('one byte range; an unsatisfiable one is a 416; a stale If-Range gets the whole file', async () => {
    const part = await rawRequest(server.url, { path: '/hello.txt', headers: { Range: 'bytes=1-3' } });
    expect(part.status).toBe(206);
    expect(part.text).toBe('ell');
    expect(part.headers['content-range']).toBe('bytes 1-3/5');
    const tail = await rawRequest(server.url, { path: '/hello.txt', headers: { Range: 'bytes=-2' } });
    expect(tail.text).toBe('lo');
    const beyond = await rawRequest(server.url, { path: '/hello.txt', headers: { Range: 'bytes=10-20' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe('bytes */5');
    const stale = await rawRequest(server.url, { path: '/hello.txt', headers: { Range: 'bytes=1-3', 'If-Range': 'W/"not-this-one"' } });
    expect(stale.status).toBe(200);
    expect(stale.text).toBe('hello');
    const { headers } = await get('/hello.txt');
    expect((await rawRequest(server.url, { path: '/hello.txt', headers: { Range: 'bytes=1-3', 'If-Range': headers.etag! } })).status).toBe(206);
  });

  it('an empty file, a gzipped one, a folder by its index.html, and a redirect to the folder URL', async () => {
    const empty = await get('/empty.txt');
    expect(empty.status).toBe(200);
    expect(empty.text).toBe('');
    const gzipped = await request(server.url).get('/big.txt').set('Accept-Encoding', 'gzip');
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.text).toBe(body);
    expect((await get('/site/')).text).toBe('<p>site</p>');
    const redirect = await get('/site?x=1');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/site/?x=1');
    expect((await get('//site')).headers.location).toBe('/site/');
  });
});

// The server hashes users.json (a new file) before the static folder's guard exists: the files layer remembers a
// version it replaced while a second name still led to it (files/atomic.ts), and the guard asks it.
it('refuses a hard link made to users.json, which keeps its plain-text passwords, before and after the server rewrites it', async () => {
  const plain = makeProject(); // users.json with plain-text passwords, as a new project has it
  plain.write('public/index.html', '<p>app</p>');
  linkSync(plain.file('users.json'), plain.file('public/accounts.json'));
  const other = await start({ db: plain.file('db.json'), static: plain.file('public') });
  try {
    expect(plain.read('users.json')).toContain('alice123'); // never rewritten at start: the link is the same file
    expect((await rawRequest(other.url, { path: '/accounts.json' })).status).toBe(404);
    // A registration writes a new users.json: the link keeps the old version, with a link count of 1.
    expect((await call(`${other.url}/auth/register`, 'POST', { email: 'new@example.com', password: 'new-password' })).status).toBe(201);
    expect(statSync(plain.file('public/accounts.json')).nlink).toBe(1);
    const response = await rawRequest(other.url, { path: '/accounts.json' });
    expect(response.status).toBe(404);
    expect(response.text).not.toMatch(LEAKS);
  } finally {
    await other.close();
    plain.cleanup();
  }
});

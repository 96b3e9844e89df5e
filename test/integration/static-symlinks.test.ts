import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { start, type StartedServer } from '../../src/app/start';
import { makeProject, type Project } from '../support';
import { rawRequest } from '../support/raw-http';

const SECRET_CONFIG = { secret: 'the-secret-in-json-server-json-0123456789' };
// Whatever must never leave the server: the config's secret, the hashes, the data, the state, a private note.
const LEAKS = /the-secret-in-json-server|scrypt|\$2[aby]\$|alice@example|"posts"|private-note|"sessions"/;

let project: Project;
let server: StartedServer;

const get = (url: string) => rawRequest(server.url, { path: url });

beforeAll(async () => {
  project = makeProject();
  project.write('json-server.json', SECRET_CONFIG);
  project.write('outside/page.html', '<p>outside</p>');
  project.write('public/hello.txt', 'hello');
  project.write('public/.hidden/note.txt', 'private-note-content');
  project.write('public/site/index.html', '<p>inside</p>');
  const link = (target: string, name: string) => symlinkSync(target, project.file(`public/${name}`));
  link('..', 'proj'); // a folder outside: the whole project
  link('../json-server.json', 'config.json'); // a file outside
  link('chain-2', 'chain-1'); // a chain of links, ending outside
  link('chain-3', 'chain-2');
  link('../json-server.json', 'chain-3');
  link('proj', 'via-proj'); // a link to a link to a folder outside
  link('missing-target.txt', 'dangling.txt');
  link('.hidden', 'notes'); // a dot-folder inside, under another name
  link('../.fake-jwt-api', 'state'); // the state folder, outside
  link('hello.txt', 'alias.txt'); // inside to inside: fine
  link('site', 'alias-site');
  mkdirSync(project.file('public/leaky'));
  symlinkSync('../../outside/page.html', project.file('public/leaky/index.html')); // a folder's index.html, outside
  server = await start({ db: project.file('db.json'), static: project.file('public') });
  // The state folder exists once the server has started.
  expect(
    (
      await rawRequest(server.url, {
        method: 'POST',
        path: '/auth/login',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'alice@example.com', password: 'alice123' }),
      })
    ).status,
  ).toBe(200);
});

afterAll(async () => {
  await server.close();
  project.cleanup();
});

it('serves files inside the folder, through links that stay inside too', async () => {
  expect((await get('/hello.txt')).text).toBe('hello');
  expect((await get('/alias.txt')).text).toBe('hello');
  expect((await get('/site/')).text).toBe('<p>inside</p>');
  expect((await get('/alias-site/')).text).toBe('<p>inside</p>');
});

it.each([
  ['a linked folder outside (public/proj -> ..)', '/proj/json-server.json'],
  ['the same, %-escaped', '/pr%6Fj/json-server.json'],
  ['the same, with a dot-dot inside the link', '/proj/public/../json-server.json'],
  ['the db through the linked folder', '/proj/db.json'],
  ['users.json through the linked folder', '/proj/users.json'],
  ['the linked folder itself', '/proj/'],
  ['a linked file outside', '/config.json'],
  ['a chain of links ending outside', '/chain-1'],
  ['a link to a link to a folder outside', '/via-proj/json-server.json'],
  ['a dangling link', '/dangling.txt'],
  ['a dot-folder inside, by a link', '/notes/note.txt'],
  ['the state folder, by a link', '/state/sessions.json'],
  ['a folder whose index.html links outside', '/leaky/'],
  ['a dot-dot out of the folder', '/../json-server.json'],
  ['a %-escaped dot-dot', '/%2e%2e/json-server.json'],
])('refuses %s', async (_shape, url) => {
  const response = await get(url);
  expect(response.status).toBe(404);
  expect(response.text).not.toMatch(LEAKS);
  expect(response.text).not.toContain('<p>outside</p>');
});

it('a static folder that is itself a link is served', async () => {
  const linked = makeProject();
  linked.write('dist/app.js', 'console.log(1)');
  symlinkSync(path.join(linked.dir, 'dist'), linked.file('public'));
  const other = await start({ db: linked.file('db.json'), static: linked.file('public') });
  try {
    expect((await rawRequest(other.url, { path: '/app.js' })).text).toBe('console.log(1)');
  } finally {
    await other.close();
    linked.cleanup();
  }
});

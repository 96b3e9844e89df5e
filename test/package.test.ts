import { execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { call, makeProject, ROOT, SAMPLE_DB, type Project } from './helpers';

// How our users meet the tool: the packed tarball, installed from nothing into an empty folder, run with npx.
jest.setTimeout(240_000);

let project: Project;
beforeAll(() => {
  project = makeProject({ 'db.json': SAMPLE_DB, 'users.json': [{ email: 'alice@example.com', password: 'alice123' }] });
  execFileSync('npm', ['pack', '--silent', '--pack-destination', project.dir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = readdirSync(project.dir).find((name) => name.endsWith('.tgz'))!;
  execFileSync('npm', ['init', '-y'], { cwd: project.dir, stdio: 'ignore' });
  execFileSync('npm', ['install', '--no-audit', '--no-fund', `./${tarball}`], { cwd: project.dir, stdio: ['ignore', 'ignore', 'inherit'] });
});
afterAll(() => project.cleanup());

it('npx fake-jwt-api db.json serves, logs in and reads a resource', async () => {
  // Its own process group: npx runs the bin as a grandchild, and the stop below must reach it too.
  const child = spawn('npx', ['fake-jwt-api', 'db.json', '--port', '0', '--host', '127.0.0.1'], { cwd: project.dir, detached: true });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /·\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
  try {
    expect((await call(`${url}/posts`, 'GET')).status).toBe(401);
    const login = await call(`${url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' });
    expect(login.status).toBe(200);
    const posts = await call(`${url}/posts`, 'GET', undefined, login.body.accessToken);
    expect(posts.body).toEqual(SAMPLE_DB.posts);
    // The playground's files ship with the package: the page is whole, not a template.
    const home = await call(url, 'GET');
    expect(home.body).toContain('<title>fake-jwt-api playground</title>');
    expect(home.body).not.toMatch(/__(STYLE|SCRIPT|DATA|NONCE)__/);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
});

it('ships compiled JavaScript with types, and no TypeScript sources or tests', () => {
  const files = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const paths = (JSON.parse(files) as Array<{ files: Array<{ path: string }> }>)[0].files.map((file) => file.path);
  expect(paths).toEqual(expect.arrayContaining(['bin/fake-jwt-api.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'starter/db.json', 'playground/app.js', 'README.md']));
  expect(paths.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
  expect(paths.filter((path) => path.includes('test'))).toEqual([]);
});

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync } from 'node:fs';
import { SCRIPT_FILES } from '../../src/http/playground-page';
import { call, makeProject, ROOT, SAMPLE_DB, type Project } from '../support';

// How our users meet the tool: the packed tarball, installed from nothing into an empty folder, run with npx.
jest.setTimeout(240_000);

/** Runs npm (or npx) to completion; its stderr is returned (for what it warns of), and a failure throws with it. */
function npm(args: string[], cwd: string, command = 'npm'): { stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

let project: Project;
let tarball: string;
let installWarnings: string;
beforeAll(() => {
  project = makeProject({ 'db.json': SAMPLE_DB, 'users.json': [{ email: 'alice@example.com', password: 'alice123' }] });
  npm(['pack', '--silent', '--pack-destination', project.dir], ROOT);
  tarball = readdirSync(project.dir).find((name) => name.endsWith('.tgz'))!;
  npm(['init', '-y'], project.dir);
  installWarnings = npm(['install', '--no-audit', '--no-fund', `./${tarball}`], project.dir).stderr;
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

it('ships compiled JavaScript with types, and no TypeScript sources, source maps or tests', () => {
  // --ignore-scripts: the build already ran in beforeAll's pack; this only lists what a pack takes.
  const files = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const paths = (JSON.parse(files) as Array<{ files: Array<{ path: string }> }>)[0].files.map((file) => file.path);
  expect(paths).toEqual(
    expect.arrayContaining([
      'bin/fake-jwt-api.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'starter/db.json',
      ...SCRIPT_FILES.map((name) => `playground/scripts/${name}`),
      'README.md',
    ]),
  );
  expect(paths.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
  // A map would point at src/, which is not in the package.
  expect(paths.filter((path) => path.endsWith('.map'))).toEqual([]);
  // A test file, or a test folder (not a module that merely has the word, like openapi/testing-operations.js).
  expect(paths.filter((path) => /\.test\.|(^|\/)tests?\//.test(path))).toEqual([]);
});

it('builds when packed, not when installed: no prepare script, and the install says nothing of one', () => {
  const scripts = (JSON.parse(project.read('node_modules/fake-jwt-api/package.json')) as { scripts: Record<string, string> }).scripts;
  expect(scripts.prepare).toBeUndefined();
  expect(scripts.prepack).toBe('npm run build');
  expect(installWarnings).not.toMatch(/prepare/i);
});

it('runs from the tarball alone, as the README says: npx --package ./<tarball> fake-jwt-api', () => {
  // A folder with nothing installed; the registry's packages come from npm's cache, filled by beforeAll's install.
  const fresh = makeProject({});
  try {
    copyFileSync(project.file(tarball), fresh.file(tarball));
    const help = npm(['--yes', '--prefer-offline', '--package', `./${tarball}`, 'fake-jwt-api', 'help', 'users'], fresh.dir, 'npx');
    expect(help.stdout).toContain('Usage: fake-jwt-api users');
    expect(readdirSync(fresh.dir)).toEqual([tarball]);
  } finally {
    fresh.cleanup();
  }
});

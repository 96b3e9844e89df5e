/**
 * README "OpenAPI and typed clients", the way a frontend developer gets a typed client: the built command line writes
 * the document without starting a server, openapi-typescript turns it into types, a client on openapi-fetch compiles
 * with `tsc --noEmit` (and a wrong call does not), and the same client logs in, lists and creates against the server.
 */
import { spawn } from 'node:child_process';
import { readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { ROOT, runCli, useCliProject } from '../support';

const BIN_DIR = path.join(ROOT, 'node_modules', '.bin');
const TOOL_TIMEOUT = 60_000;

const POSTS = [
  { id: 1, title: 'Hello', views: 10, userId: 1 },
  { id: 2, title: 'World', views: 3, userId: 1 },
];
const DEMO = { id: 1, email: 'demo@example.com', password: 'demo1234' };
const FILES = {
  'db.json': { posts: POSTS },
  'users.json': [DEMO],
  'routes.json': { '/posts': { read: 'public', POST: 'authenticated', 'PUT PATCH DELETE': ['owner', 'admin'] } },
};

// The client, as in README "OpenAPI and typed clients": ESM with top-level await, bundler resolution (Vite's).
const CLIENT = `import createClient from 'openapi-fetch';
import type { paths } from './schema';

const client = createClient<paths>({ baseUrl: process.argv[2] });

const login = await client.POST('/auth/login', { body: { email: 'demo@example.com', password: 'demo1234' } });
if (!login.data) throw new Error(\`login: \${login.response.status}\`);
const auth = { headers: { Authorization: \`Bearer \${login.data.accessToken}\` } };

const list = await client.GET('/posts', { params: { query: { _sort: 'views', _order: 'desc' } } });
const titles: string[] | undefined = list.data?.map((post) => post.title);
const anonymous = await client.POST('/posts', { body: { title: 'Typed', views: 0 } });
const created = await client.POST('/posts', { body: { title: 'Typed', views: 0 }, ...auth });
if (!created.data) throw new Error(\`create: \${created.response.status}\`);
const read = await client.GET('/posts/{id}', { params: { path: { id: String(created.data.id) } } });

console.log(JSON.stringify({
  login: { status: login.response.status, email: login.data.user.email },
  list: { status: list.response.status, titles },
  anonymous: { status: anonymous.response.status, error: anonymous.error?.error },
  created: { status: created.response.status, location: created.response.headers.get('location'), post: created.data },
  read: { status: read.response.status, post: read.data },
}));
`;

// Each line a mistake the types must catch, and what tsc says of it; nothing else may be refused.
const WRONG_CALLS = [
  { call: `await client.POST('/posts', { body: { title: 42 } });`, says: `Type 'number' is not assignable to type 'string'` },
  { call: `await client.GET('/postz', {});`, says: `Argument of type '"/postz"' is not assignable` },
  { call: `await client.GET('/posts/{id}', {});`, says: 'path: { id: string; }' },
  { call: `await client.POST('/auth/login', { body: { email: 'demo@example.com' } });`, says: 'password: string' },
  { call: `const { data } = await client.GET('/posts'); data?.map((post) => post.headline);`, says: `Property 'headline' does not exist` },
];
const WRONG_HEADER = `import createClient from 'openapi-fetch';\nimport type { paths } from './schema';\nconst client = createClient<paths>({ baseUrl: '' });\n`;
const WRONG = WRONG_HEADER + WRONG_CALLS.map(({ call }) => call).join('\n') + '\n';
const FIRST_WRONG_LINE = WRONG_HEADER.split('\n').length;

/** Type-checks one file on its own, as a frontend project would: strict, ESM, the DOM's fetch and Node's process. */
const tsconfigFor = (file: string) => ({
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'bundler',
    lib: ['ES2022', 'DOM'],
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  },
  files: [file],
});

/** Runs a tool from node_modules/.bin to its end, bounded in time: its exit code and what it printed. */
function runTool(tool: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(path.join(BIN_DIR, tool), args, { cwd, timeout: TOOL_TIMEOUT });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

describe('a typed client from `fake-jwt-api openapi`', () => {
  const cli = useCliProject(FILES);
  const { project } = cli;

  it('writes the document with -o and nothing on stdout; without -o, stdout is the document alone', async () => {
    const written = await runCli(['openapi', 'db.json', '-o', 'openapi.json'], project.dir);
    expect(written).toMatchObject({ code: 0, stdout: '' });
    // Nothing else written: no state folder, no starter files.
    expect(readdirSync(project.dir).sort()).toEqual(['db.json', 'openapi.json', 'routes.json', 'users.json']);
    const document = project.json('openapi.json') as any;
    expect(document.openapi).toBe('3.1.0');
    expect(document.paths['/posts'].get.security).toEqual([]); // routes.json's "read": "public"
    expect(document.paths['/posts'].post.security).toContainEqual({ bearerAuth: [] });

    const printed = await runCli(['openapi', 'db.json'], project.dir);
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual(document);

    // The server's flags shape it: its origin here.
    const elsewhere = await runCli(['openapi', 'db.json', '--port', '4123'], project.dir);
    expect(JSON.parse(elsewhere.stdout).servers).toEqual([{ url: 'http://localhost:4123' }]);
  });

  it('openapi-typescript types it; the client compiles, a wrong call does not, and the client works against the server', async () => {
    expect((await runCli(['openapi', 'db.json', '-o', 'openapi.json'], project.dir)).code).toBe(0);
    const generated = await runTool('openapi-typescript', ['openapi.json', '-o', 'schema.d.ts'], project.dir);
    expect(generated).toMatchObject({ code: 0 });
    expect(project.read('schema.d.ts')).toContain('"/posts/{id}": {');

    // The client's project: its packages are this repository's (openapi-fetch, @types/node, tsx).
    symlinkSync(path.join(ROOT, 'node_modules'), project.file('node_modules'), 'dir');
    project.write('package.json', { type: 'module', private: true });
    project.write('client.ts', CLIENT);
    project.write('wrong.ts', WRONG);
    project.write('tsconfig.json', tsconfigFor('client.ts'));
    project.write('tsconfig.wrong.json', tsconfigFor('wrong.ts'));
    const [right, wrong] = await Promise.all([
      runTool('tsc', ['-p', 'tsconfig.json'], project.dir),
      runTool('tsc', ['-p', 'tsconfig.wrong.json'], project.dir),
    ]);
    expect(right).toEqual({ code: 0, output: '' });
    expect(wrong.code).not.toBe(0);
    const refused = [...wrong.output.matchAll(/^wrong\.ts\((\d+),\d+\): error (TS\d+: .*)$/gm)].map(([, line, message]) => ({ line: Number(line), message }));
    expect(refused).toEqual(WRONG_CALLS.map(({ says }, index) => ({ line: FIRST_WRONG_LINE + index, message: expect.stringContaining(says) })));

    const server = await cli.start(['db.json']);
    const ran = await runTool('tsx', ['client.ts', server.url], project.dir);
    expect(ran.code).toBe(0);
    const result = JSON.parse(ran.output);
    expect(result.login).toEqual({ status: 200, email: DEMO.email });
    expect(result.list).toEqual({ status: 200, titles: ['Hello', 'World'] });
    expect(result.anonymous).toEqual({ status: 401, error: 'invalid_token' });
    const created = { id: 3, title: 'Typed', views: 0, userId: DEMO.id };
    expect(result.created).toEqual({ status: 201, location: `${server.url}/posts/3`, post: created });
    expect(result.read).toEqual({ status: 200, post: created });
    expect((project.json('db.json') as any).posts).toContainEqual(created);
  }, 120_000);
});

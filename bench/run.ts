/**
 * npm run bench: json-server 0.17.4, json-server-auth 2.1.0 and fake-jwt-api side by side, on identical copies of
 * generated data, each driven in turn by autocannon over several rounds. Prints medians and ratios, and writes
 * them with the date and the machine to BENCHMARKS.md. Everything listens on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import bcrypt from 'bcryptjs';

const ROOT = path.join(__dirname, '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ACCOUNT = { email: 'bench@example.com', password: 'bench-password' };
// BENCH_SCENARIOS=ac runs only (a) and (c): for iterating on one figure. BENCHMARKS.md is written only by a full run.
const ONLY = process.env.BENCH_SCENARIOS;
const wanted = (letter: string) => !ONLY || ONLY.includes(letter);

type Tool = 'json-server' | 'json-server-auth' | 'fake-jwt-api';
const TOOLS: Tool[] = ['json-server', 'json-server-auth', 'fake-jwt-api'];

interface Running {
  tool: Tool;
  url: string;
  token?: string;
  child: ChildProcess;
  dir: string;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function posts(count: number, bodyLength: number) {
  return Array.from({ length: count }, (_, index) => ({ id: index + 1, title: `post ${index + 1}`, body: 'lorem ipsum '.repeat(bodyLength / 12), userId: 1 }));
}

/** Notes of two owners, alternating: the account measured owns half. */
function notes(count: number) {
  return Array.from({ length: count }, (_, index) => ({ id: index + 1, text: `note ${index + 1}`, userId: (index % 2) + 1 }));
}

/** The same data for each tool, with what each needs for accounts and for "authenticated only" on posts. */
function writeProject(tool: Tool, data: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `bench-${tool}-`));
  if (tool === 'json-server-auth') {
    const users = [{ id: 1, email: ACCOUNT.email, password: bcrypt.hashSync(ACCOUNT.password, 10) }];
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify({ ...data, users }));
    // Logged-in users read and write posts; notes are their owner's (json-server-auth filters lists by userId).
    writeFileSync(path.join(dir, 'routes.json'), JSON.stringify({ posts: 660, notes: 600 }));
  } else {
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify(data));
    if (tool === 'fake-jwt-api') {
      writeFileSync(path.join(dir, 'users.json'), JSON.stringify([{ id: 1, ...ACCOUNT }]));
      writeFileSync(path.join(dir, 'routes.json'), JSON.stringify({ '/notes': { '*': 'owner' } }));
    }
  }
  return dir;
}

async function waitUntilUp(url: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      await fetch(`${url}/`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`${url} did not start`);
}

async function start(tool: Tool, data: Record<string, unknown>): Promise<Running> {
  const dir = writeProject(tool, data);
  const port = await freePort();
  const common = ['db.json', '--port', String(port), '--host', '127.0.0.1', '--quiet'];
  const args = {
    'json-server': [path.join(ROOT, 'node_modules/json-server/lib/cli/bin.js'), ...common],
    'json-server-auth': [path.join(ROOT, 'node_modules/json-server-auth/dist/bin.js'), ...common, '--routes', 'routes.json'],
    'fake-jwt-api': [path.join(ROOT, 'bin/fake-jwt-api.js'), ...common],
  }[tool];
  const child = spawn(process.execPath, args, { cwd: dir, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url);
  const running: Running = { tool, url, child, dir };
  if (tool !== 'json-server') running.token = await login(running);
  return running;
}

async function login(server: Running): Promise<string> {
  const loginPath = server.tool === 'json-server-auth' ? '/login' : '/auth/login';
  const response = await fetch(`${server.url}${loginPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ACCOUNT) });
  const body = (await response.json()) as { accessToken?: string };
  if (!body.accessToken) throw new Error(`${server.tool}: login failed (${response.status})`);
  return body.accessToken;
}

function stop(server: Running): Promise<void> {
  return new Promise((resolve) => {
    server.child.once('exit', () => {
      rmSync(server.dir, { recursive: true, force: true });
      resolve();
    });
    server.child.kill('SIGTERM');
  });
}

/** Peak resident memory of the server process so far, in MB (Linux). */
function peakRssMb(server: Running): number | undefined {
  try {
    const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+)/.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

interface Load {
  path: string;
  method?: 'GET' | 'POST';
  body?: string;
  connections: number;
  auth: boolean;
}

async function measure(server: Running, load: Load, seconds = SECONDS): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (load.auth && server.token) headers.authorization = `Bearer ${server.token}`;
  const result = await autocannon({ url: `${server.url}${load.path}`, method: load.method ?? 'GET', body: load.body, headers, connections: load.connections, duration: seconds });
  const ok = result['2xx'];
  if (ok === 0 || result.non2xx > ok / 100) throw new Error(`${server.tool} ${load.path}: ${result.non2xx} non-2xx answers, ${ok} 2xx`);
  return ok / seconds;
}

function loginLoad(server: Running, connections: number): Load {
  return { path: server.tool === 'json-server-auth' ? '/login' : '/auth/login', method: 'POST', body: JSON.stringify(ACCOUNT), connections, auth: false };
}

interface Row {
  scenario: string;
  unit: string;
  values: Partial<Record<Tool, number>>;
  memory: Partial<Record<Tool, number>>;
}

/** Runs one scenario: each tool on its own copy of the data, measured in turn, ROUNDS times. */
async function scenario(name: string, unit: string, data: Record<string, unknown>, tools: Tool[], run: (server: Running) => Promise<number>): Promise<Row> {
  process.stdout.write(`${name} `);
  const servers: Running[] = [];
  for (const tool of tools) servers.push(await start(tool, data));
  const samples = new Map<Tool, number[]>(tools.map((tool) => [tool, []]));
  try {
    for (const server of servers) await run(server); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const server of servers) {
        samples.get(server.tool)!.push(await run(server));
        process.stdout.write('.');
      }
    }
  } finally {
    const memory = Object.fromEntries(servers.map((server) => [server.tool, peakRssMb(server)]));
    await Promise.all(servers.map(stop));
    process.stdout.write('\n');
    // eslint-disable-next-line no-unsafe-finally
    return { scenario: name, unit, values: Object.fromEntries([...samples].map(([tool, values]) => [tool, median(values)])), memory };
  }
}

const format = (value: number | undefined) => (value === undefined ? '—' : value >= 100 ? Math.round(value).toString() : value.toFixed(1));
const ratio = (a?: number, b?: number) => (a === undefined || b === undefined ? '—' : `${(a / b).toFixed(2)}×`);

async function main(): Promise<void> {
  const started = Date.now();
  const rows: Row[] = [];
  if (wanted('a')) rows.push(
    await scenario('(a) GET /posts/1, 1k posts, with a token', 'req/s', { posts: posts(1000, 100) }, TOOLS, (server) =>
      measure(server, { path: '/posts/1', connections: 10, auth: true }),
    ),
  );
  if (wanted('b')) rows.push(
    await scenario('(b) GET /posts?_page=50&_limit=10, 20k posts', 'req/s', { posts: posts(20_000, 100) }, TOOLS, (server) =>
      measure(server, { path: '/posts?_page=50&_limit=10', connections: 10, auth: true }),
    ),
  );
  if (wanted('c')) rows.push(
    await scenario('(c) POST /posts, 8 clients, ~6 MB db', 'writes/s', { posts: posts(20_000, 280) }, TOOLS, (server) =>
      measure(server, { path: '/posts', method: 'POST', body: JSON.stringify({ title: 'new', body: 'bench', userId: 1 }), connections: 8, auth: true }),
    ),
  );
  if (wanted('f')) rows.push(
    // The owner's view: fake-jwt-api hands json-server only the caller's records (issue 10); json-server-auth adds a
    // userId filter; plain json-server is given that filter in the query.
    await scenario('(f) GET /notes?_page=50&_limit=10 of an owner-only collection, 20k notes, half the caller\'s', 'req/s', { notes: notes(20_000) }, TOOLS, (server) =>
      measure(server, { path: `/notes?${server.tool === 'json-server' ? 'userId=1&' : ''}_page=50&_limit=10`, connections: 10, auth: true }),
    ),
  );
  if (wanted('d')) rows.push(
    await scenario('(d) logins, 4 clients', 'logins/s', { posts: posts(100, 100) }, ['json-server-auth', 'fake-jwt-api'], (server) =>
      measure(server, loginLoad(server, 4)),
    ),
  );
  if (wanted('e')) {
    rows.push(
      await scenario('(e) GET /posts/1 while 4 clients log in, / idle', 'fraction', { posts: posts(1000, 100) }, ['json-server-auth', 'fake-jwt-api'], async (server) => {
        const idle = await measure(server, { path: '/posts/1', connections: 10, auth: true });
        const [busy] = await Promise.all([measure(server, { path: '/posts/1', connections: 10, auth: true }), measure(server, loginLoad(server, 4))]);
        return busy / idle;
      }),
    );
  }

  const lines = [
    '| scenario | unit | json-server | json-server-auth | fake-jwt-api | vs json-server | vs json-server-auth |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(({ scenario: name, unit, values }) =>
      `| ${name} | ${unit} | ${format(values['json-server'])} | ${format(values['json-server-auth'])} | ${format(values['fake-jwt-api'])} | ${unit === 'fraction' ? '—' : ratio(values['fake-jwt-api'], values['json-server'])} | ${unit === 'fraction' ? '—' : ratio(values['fake-jwt-api'], values['json-server-auth'])} |`,
    ),
  ];
  const memoryLines = [
    '| scenario | json-server | json-server-auth | fake-jwt-api |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map(({ scenario: name, memory }) => `| ${name} | ${memory['json-server'] ?? '—'} | ${memory['json-server-auth'] ?? '—'} | ${memory['fake-jwt-api'] ?? '—'} |`),
  ];
  const cpus = os.cpus();
  const machine = `${os.availableParallelism?.() ?? cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
  const report = [
    '# Benchmarks',
    '',
    `Run by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${machine}.`,
    `Each figure is the median of ${ROUNDS} rounds of ${SECONDS} s with autocannon, the tools measured in turn on identical copies of generated data, all on 127.0.0.1. Medians of one run on a shared machine: compare the ratios, not the absolute numbers. (e) is GET throughput while 4 clients log in without pause, as a fraction of the idle figure.`,
    '',
    ...lines,
    '',
    'Peak resident memory of each server during the scenario (MB):',
    '',
    ...memoryLines,
    '',
    `The whole run took ${Math.round((Date.now() - started) / 1000)} s.`,
    '',
  ].join('\n');
  if (!ONLY) writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), report);
  console.log(`\n${lines.join('\n')}\n\n${ONLY ? 'Not written to BENCHMARKS.md (a partial run)' : 'Written to BENCHMARKS.md'} (${Math.round((Date.now() - started) / 1000)} s).`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * npm run bench: json-server 0.17.4, json-server-auth 2.1.0 and fake-jwt-api side by side, on identical copies of
 * generated data, each driven in turn by autocannon over several rounds. Prints medians and ratios, and writes
 * them with the date and the machine to BENCHMARKS.md. Everything listens on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../test/support/ports';
import { ACCOUNT, notes, posts, writeProject, type Tool } from './projects';

const ROOT = path.join(__dirname, '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
// BENCH_SCENARIOS=ac runs only (a) and (c): for iterating on one figure. BENCHMARKS.md is written only by a full run.
const ONLY = process.env.BENCH_SCENARIOS;
const wanted = (letter: string) => !ONLY || ONLY.includes(letter);

const TOOLS: Tool[] = ['json-server', 'json-server-auth', 'fake-jwt-api'];

interface Running {
  tool: Tool;
  url: string;
  token?: string;
  child: ChildProcess;
  dir: string;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

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
  const result = await autocannon({
    url: `${server.url}${load.path}`,
    method: load.method ?? 'GET',
    body: load.body,
    headers,
    connections: load.connections,
    duration: seconds,
  });
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
  /** Tools whose start or measurement threw, with the error: shown as failed, never as a missing figure. */
  failures: Partial<Record<Tool, string>>;
}

const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Starts each tool; one that fails to start is recorded as failed, and the others still run. */
async function startAll(tools: Tool[], data: Record<string, unknown>, failures: Row['failures']): Promise<Running[]> {
  const servers: Running[] = [];
  for (const tool of tools) {
    try {
      servers.push(await start(tool, data));
    } catch (error) {
      failures[tool] = `did not start: ${describeError(error)}`;
    }
  }
  return servers;
}

/**
 * Runs one scenario: each tool on its own copy of the data, measured in turn, ROUNDS times. A tool whose
 * measurement throws is dropped from the later rounds and its error kept for the report.
 */
async function scenario(name: string, unit: string, data: Record<string, unknown>, tools: Tool[], run: (server: Running) => Promise<number>): Promise<Row> {
  process.stdout.write(`${name} `);
  const failures: Row['failures'] = {};
  const samples = new Map<Tool, number[]>();
  const servers = await startAll(tools, data, failures);
  const measure = async (server: Running, keep: boolean) => {
    if (failures[server.tool]) return;
    try {
      const value = await run(server);
      if (keep) samples.set(server.tool, [...(samples.get(server.tool) ?? []), value]);
    } catch (error) {
      failures[server.tool] = describeError(error);
      samples.delete(server.tool);
    }
  };
  const memory: Row['memory'] = {};
  try {
    for (const server of servers) await measure(server, false); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const server of servers) {
        await measure(server, true);
        process.stdout.write(failures[server.tool] ? 'x' : '.');
      }
    }
  } finally {
    for (const server of servers) memory[server.tool] = peakRssMb(server);
    await Promise.all(servers.map(stop));
    process.stdout.write('\n');
  }
  return { scenario: name, unit, values: Object.fromEntries([...samples].map(([tool, values]) => [tool, median(values)])), memory, failures };
}

const format = (value: number | undefined) => (value === undefined ? '—' : value >= 100 ? Math.round(value).toString() : value.toFixed(1));
const ratio = (a?: number, b?: number) => (a === undefined || b === undefined ? '—' : `${(a / b).toFixed(2)}×`);
const cell = (row: Row, tool: Tool) => (row.failures[tool] ? 'failed' : format(row.values[tool]));

/** The scenarios BENCH_SCENARIOS asks for (all by default), in the order of the table. */
async function runScenarios(): Promise<Row[]> {
  const rows: Row[] = [];
  if (wanted('a'))
    rows.push(
      await scenario('(a) GET /posts/1, 1k posts, with a token', 'req/s', { posts: posts(1000, 100) }, TOOLS, (server) =>
        measure(server, { path: '/posts/1', connections: 10, auth: true }),
      ),
    );
  if (wanted('b'))
    rows.push(
      await scenario('(b) GET /posts?_page=50&_limit=10, 20k posts', 'req/s', { posts: posts(20_000, 100) }, TOOLS, (server) =>
        measure(server, { path: '/posts?_page=50&_limit=10', connections: 10, auth: true }),
      ),
    );
  if (wanted('c'))
    rows.push(
      await scenario('(c) POST /posts, 8 clients, ~6 MB db', 'writes/s', { posts: posts(20_000, 280) }, TOOLS, (server) =>
        measure(server, { path: '/posts', method: 'POST', body: JSON.stringify({ title: 'new', body: 'bench', userId: 1 }), connections: 8, auth: true }),
      ),
    );
  if (wanted('f'))
    rows.push(
      // The owner's view: fake-jwt-api hands json-server only the caller's records (issue 10); json-server-auth adds a
      // userId filter; plain json-server is given that filter in the query.
      await scenario(
        "(f) GET /notes?_page=50&_limit=10 of an owner-only collection, 20k notes, half the caller's",
        'req/s',
        { notes: notes(20_000) },
        TOOLS,
        (server) => measure(server, { path: `/notes?${server.tool === 'json-server' ? 'userId=1&' : ''}_page=50&_limit=10`, connections: 10, auth: true }),
      ),
    );
  if (wanted('d'))
    rows.push(
      await scenario('(d) logins, 4 clients', 'logins/s', { posts: posts(100, 100) }, ['json-server-auth', 'fake-jwt-api'], (server) =>
        measure(server, loginLoad(server, 4)),
      ),
    );
  if (wanted('e'))
    rows.push(
      await scenario(
        '(e) GET /posts/1 while 4 clients log in, / idle',
        'fraction',
        { posts: posts(1000, 100) },
        ['json-server-auth', 'fake-jwt-api'],
        async (server) => {
          const idle = await measure(server, { path: '/posts/1', connections: 10, auth: true });
          const [busy] = await Promise.all([measure(server, { path: '/posts/1', connections: 10, auth: true }), measure(server, loginLoad(server, 4))]);
          return busy / idle;
        },
      ),
    );
  return rows;
}

function throughputTable(rows: Row[]): string[] {
  return [
    '| scenario | unit | json-server | json-server-auth | fake-jwt-api | vs json-server | vs json-server-auth |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((row) => {
      const { values } = row;
      const ratios =
        row.unit === 'fraction'
          ? ['—', '—']
          : [ratio(values['fake-jwt-api'], values['json-server']), ratio(values['fake-jwt-api'], values['json-server-auth'])];
      return `| ${row.scenario} | ${row.unit} | ${TOOLS.map((tool) => cell(row, tool)).join(' | ')} | ${ratios.join(' | ')} |`;
    }),
  ];
}

function memoryTable(rows: Row[]): string[] {
  return [
    '| scenario | json-server | json-server-auth | fake-jwt-api |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map(({ scenario: name, memory }) => `| ${name} | ${TOOLS.map((tool) => memory[tool] ?? '—').join(' | ')} |`),
  ];
}

/** One line per failed start or measurement, with its error. */
const failureLines = (rows: Row[]) => rows.flatMap((row) => Object.entries(row.failures).map(([tool, error]) => `${row.scenario}, ${tool}: ${error}`));

function benchmarksFile(rows: Row[], seconds: number): string {
  const cpus = os.cpus();
  const machine = `${os.availableParallelism?.() ?? cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
  return [
    '# Benchmarks',
    '',
    `Run by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${machine}.`,
    `Each figure is the median of ${ROUNDS} rounds of ${SECONDS} s with autocannon, the tools measured in turn on identical copies of generated data, all on 127.0.0.1. Medians of one run on a shared machine: compare the ratios, not the absolute numbers. (e) is GET throughput while 4 clients log in without pause, as a fraction of the idle figure.`,
    '',
    ...throughputTable(rows),
    '',
    'Peak resident memory of each server during the scenario (MB):',
    '',
    ...memoryTable(rows),
    '',
    `The whole run took ${seconds} s.`,
    '',
  ].join('\n');
}

/** Prints the table; a run with a failed measurement exits 1 and leaves BENCHMARKS.md as it was. */
async function main(): Promise<void> {
  const started = Date.now();
  const rows = await runScenarios();
  const seconds = Math.round((Date.now() - started) / 1000);
  const failures = failureLines(rows);
  console.log(`\n${throughputTable(rows).join('\n')}\n`);
  if (failures.length > 0) {
    console.error(`${failures.length} measurement(s) failed, so BENCHMARKS.md is not written:\n${failures.map((line) => `  ${line}`).join('\n')}`);
    process.exitCode = 1;
    return;
  }
  if (!ONLY) writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), benchmarksFile(rows, seconds));
  console.log(`${ONLY ? 'Not written to BENCHMARKS.md (a partial run)' : 'Written to BENCHMARKS.md'} (${seconds} s).`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

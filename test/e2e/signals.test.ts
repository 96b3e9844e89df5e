import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { readdirSync, unlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, call, makeProject, SAMPLE_USERS, startCli, type Project } from '../support';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function exitOf(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Files a write left behind: a temporary file is a write cut short. */
function leftovers(project: Project, folder = '.'): string[] {
  return readdirSync(project.file(folder)).filter((name) => /\.tmp$|\.lock$/.test(name));
}

// Some hundred records make each write of db.json take a few milliseconds, so signals land inside writes.
const FILLER = Array.from({ length: 500 }, (_, index) => ({ id: index + 1, title: `post ${index}`, body: 'x'.repeat(200) }));

/**
 * Starts the server, fires 20 POSTs, sends the signal(s) `offsetMs` later, and checks what SIGINT and SIGTERM
 * promise: exit 0, never death by the signal, and every acknowledged write in a db.json that parses.
 */
async function signalDuringWrites(signals: NodeJS.Signals[], offsetMs: number): Promise<void> {
  const project = makeProject({ 'db.json': { posts: FILLER }, 'users.json': SAMPLE_USERS });
  try {
    const cli = await startCli(['db.json'], project.dir);
    const exited = exitOf(cli.child);
    const token = (await call(`${cli.url}/auth/login`, 'POST', { email: 'alice@example.com', password: 'alice123' })).body.accessToken as string;
    const writes = Array.from({ length: 20 }, (_, index) => call(`${cli.url}/posts`, 'POST', { title: `signalled ${index}` }, token).catch(() => undefined));
    await sleep(offsetMs);
    for (const signal of signals) {
      cli.child.kill(signal);
      await sleep(2);
    }
    const results = await Promise.all(writes);
    expect(await exited).toEqual({ code: 0, signal: null });

    const acknowledged = results.filter((result) => result && result.status === 201).map((result) => result!.body.title as string);
    const saved = new Set((project.json('db.json') as { posts: Array<{ title: string }> }).posts.map((post) => post.title));
    expect(acknowledged.filter((title) => !saved.has(title))).toEqual([]);
    expect(leftovers(project)).toEqual([]);
  } finally {
    project.cleanup();
  }
}

describe('SIGINT and SIGTERM during a burst of writes', () => {
  it.each([
    ['SIGTERM', 0],
    ['SIGTERM', 5],
    ['SIGTERM', 10],
    ['SIGTERM', 20],
    ['SIGTERM', 50],
    ['SIGINT', 0],
    ['SIGINT', 10],
  ] as Array<[NodeJS.Signals, number]>)('%s %i ms in: the writes in flight are saved, and the exit code is 0', async (signal, offsetMs) => {
    await signalDuringWrites([signal], offsetMs);
  });

  it('a second signal while the last changes are saved does not cut the save short', async () => {
    await signalDuringWrites(['SIGTERM', 'SIGINT', 'SIGTERM'], 5);
  });
});

it('a signal during startup lets the server finish starting, then stops it with exit 0', async () => {
  const project = makeProject({ 'db.json': { posts: [] }, 'users.json': SAMPLE_USERS });
  // A slow middleware file holds the startup at a known point: after the arguments, before listening.
  project.write(
    'slow.js',
    "process.stderr.write('loading\\n'); for (const end = Date.now() + 300; Date.now() < end;); module.exports = (req, res, next) => next();",
  );
  try {
    const child = spawn(process.execPath, [BIN, 'db.json', '--middlewares', 'slow.js', '--port', '0', '--host', '127.0.0.1'], { cwd: project.dir });
    const exited = exitOf(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('loading')) resolve();
      }),
    );
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output).toContain('http://127.0.0.1:'); // it did finish starting
    // What startup wrote (hashed passwords, the signing secret) is whole.
    expect(() => project.json('users.json')).not.toThrow();
    expect(() => project.json('.fake-jwt-api/state.json')).not.toThrow();
    expect(leftovers(project, '.fake-jwt-api')).toEqual([]);
  } finally {
    project.cleanup();
  }
});

it('a signal during the token command lets it finish its session and print the token, then exits 0', async () => {
  const project = makeProject({ 'db.json': { posts: [] }, 'users.json': SAMPLE_USERS });
  // Hold the sessions file's lock as a live process (this one): the command waits for it, signalled meanwhile.
  project.write('.fake-jwt-api/sessions.json.lock', `${hostname()} ${process.pid} test`);
  try {
    const child = spawn(process.execPath, [BIN, 'token', 'alice@example.com'], { cwd: project.dir });
    const exited = exitOf(child);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await sleep(1500); // long past loading, still waiting for the lock
    child.kill('SIGINT');
    await sleep(200);
    expect({ code: child.exitCode, signal: child.signalCode }).toEqual({ code: null, signal: null }); // still waiting
    unlinkSync(project.file('.fake-jwt-api/sessions.json.lock'));
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(stdout).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(project.json('.fake-jwt-api/sessions.json')).toBeTruthy();
    expect(leftovers(project, '.fake-jwt-api')).toEqual([]);
  } finally {
    project.cleanup();
  }
});
